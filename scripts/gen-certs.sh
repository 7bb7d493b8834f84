#!/usr/bin/env bash
# Generates what a secure Basalt needs, for the launcher (./basalt up --secure), docker-compose.secure.yml and the Helm
# chart's secrets:
#   ca.crt, ca.key                      a local certificate authority (kept across runs unless --force)
#   <name>.crt, <name>.key              PEM certificate and PKCS#8 key for agent, insert, storage, select, grafana,
#                                       client and mock-exporter, signed by the CA, usable as server and client certs
#   cluster.crt, cluster.key            one certificate naming every Kubernetes Service, for a single TLS Secret
#   <user>_password, <user>_password_hash   random password and its bcrypt hash for admin, grafana, insert and select
#   agent_token                         the agents' bearer token
# Subject alternative names: localhost, 127.0.0.1, the docker-compose service names and the Kubernetes Service names
# of the Helm release $K8S_RELEASE (default basalt) in namespace $K8S_NAMESPACE (default default).
#
# Usage: scripts/gen-certs.sh [--force] <out-dir>
# Idempotent: existing files are kept; a certificate is reissued only when it is missing or the CA changed. --force
# replaces everything, passwords and token included.
set -euo pipefail

usage() { echo "usage: scripts/gen-certs.sh [--force] <out-dir>" >&2; exit 2; }
FORCE=""
OUT=""
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) [ -z "$OUT" ] || usage; OUT=$arg ;;
    esac
done
[ -n "$OUT" ] || usage
command -v openssl >/dev/null || { echo "error: openssl is needed (apt-get install openssl)" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RELEASE=${K8S_RELEASE:-basalt}
NAMESPACE=${K8S_NAMESPACE:-default}
DAYS=${CERT_DAYS:-825}
USERS=(admin grafana insert select)

mkdir -p "$OUT"
# Containers read the secrets under their own uids (Grafana 472, Basalt 1000) and compose outside swarm cannot chown
# them, so the files are world-readable and this directory is what keeps other host users out.
chmod 700 "$OUT"
umask 022

# Kubernetes names of one Service: short, namespaced and fully qualified
k8s_names() {
    local svc=$1
    echo "$svc $svc.$NAMESPACE $svc.$NAMESPACE.svc $svc.$NAMESPACE.svc.cluster.local"
}

sans_of() {
    local base="localhost" storage_pods="*.$RELEASE-storage-headless"
    case "$1" in
        agent) echo "$base vmagent vmagent-us-east-1 vmagent-eu-west-1 vmagent-ap-southeast-1 vmagent-sa-east-1 $(k8s_names "$RELEASE-agent")" ;;
        insert) echo "$base vminsert vminsert-1 vminsert-2 insert $(k8s_names "$RELEASE-insert")" ;;
        storage) echo "$base vmstorage-1 vmstorage-2 $(k8s_names "$RELEASE-storage-headless") $(k8s_names "$storage_pods")" ;;
        select) echo "$base vmselect vmselect-1 vmselect-2 $(k8s_names "$RELEASE-select")" ;;
        grafana) echo "$base grafana grafana-vm" ;;
        mock-exporter) echo "$base mock-exporter" ;;
        client) echo "$base" ;;
        cluster) echo "$base $(for t in agent insert select storage-headless; do k8s_names "$RELEASE-$t"; done) $(k8s_names "$storage_pods")" ;;
    esac
}

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca_changed=""
if [ -n "$FORCE" ] || [ ! -s "$OUT/ca.crt" ] || [ ! -s "$OUT/ca.key" ]; then
    new_key "$OUT/ca.key"
    openssl req -x509 -new -key "$OUT/ca.key" -sha256 -days 3650 -subj "/O=Basalt/CN=Basalt local CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$OUT/ca.crt"
    ca_changed=1
    echo "generated CA $OUT/ca.crt"
fi
chmod 600 "$OUT/ca.key"

issue() {
    local name=$1 ext san dns
    if [ -z "$ca_changed" ] && [ -s "$OUT/$name.crt" ] && [ -s "$OUT/$name.key" ] \
        && openssl verify -CAfile "$OUT/ca.crt" "$OUT/$name.crt" >/dev/null 2>&1; then
        return
    fi
    san="IP:127.0.0.1"
    for dns in $(sans_of "$name"); do san="$san,DNS:$dns"; done
    ext=$(mktemp)
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=$san" >"$ext"
    new_key "$OUT/$name.key"
    openssl req -new -key "$OUT/$name.key" -subj "/O=Basalt/CN=$name" 2>/dev/null \
        | openssl x509 -req -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" -CAcreateserial -CAserial "$OUT/ca.srl" \
            -days "$DAYS" -sha256 -extfile "$ext" -out "$OUT/$name.crt" 2>/dev/null
    rm -f "$ext"
    chmod 644 "$OUT/$name.key"
    echo "issued $OUT/$name.crt"
}

for name in agent insert storage select grafana client mock-exporter cluster; do issue "$name"; done

# Letters and digits only, so a password can go into a URL or a shell word unquoted; no trailing newline, so the file
# holds exactly the secret
random_secret() { openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | head -c "$1"; }

# Spring Security's crypto jar, from a built service jar or the local Maven repository
crypto_jar() {
    local jar entry tmp
    for jar in "$ROOT"/insert-service/target/insert-service.jar "$ROOT"/*/target/*-service.jar; do
        [ -f "$jar" ] || continue
        entry=$(jar tf "$jar" 2>/dev/null | grep -m1 'BOOT-INF/lib/spring-security-crypto-.*\.jar$' || true)
        [ -n "$entry" ] || continue
        tmp=$(mktemp -d)
        (cd "$tmp" && jar xf "$jar" "$entry")
        echo "$tmp/$entry"
        return
    done
    find "${HOME:-/root}/.m2/repository/org/springframework/security/spring-security-crypto" -name '*.jar' \
        ! -name '*-sources.jar' 2>/dev/null | sort -V | tail -n 1
}

# Writes <file>_hash, the bcrypt (cost 10) of each password file given, with htpasswd (Debian apache2-utils), python3's
# bcrypt, or else Spring Security's through the JDK (one JVM for all files), whichever this machine has; passwords
# never appear on a command line.
bcrypt_files() {
    local f
    [ $# -gt 0 ] || return 0
    if command -v htpasswd >/dev/null 2>&1; then
        for f in "$@"; do htpasswd -niBC 10 basalt <"$f" | cut -d: -f2- | tr -d '\n' >"${f}_hash"; done
    elif command -v python3 >/dev/null 2>&1 && python3 -c 'import bcrypt' 2>/dev/null; then
        for f in "$@"; do
            python3 -c 'import bcrypt, sys; print(bcrypt.hashpw(sys.stdin.buffer.read(), bcrypt.gensalt(10)).decode(), end="")' \
                <"$f" >"${f}_hash"
        done
    else
        local jar src
        jar=$(crypto_jar)
        [ -n "$jar" ] && [ -f "$jar" ] || {
            echo "error: no bcrypt tool: install apache2-utils (htpasswd), or build the services first" >&2
            return 1
        }
        src=$(mktemp -d)/BcryptHash.java
        cat >"$src" <<'EOF'
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.security.crypto.bcrypt.BCrypt;

public class BcryptHash {
    public static void main(String[] files) throws Exception {
        for (String file : files) {
            Files.writeString(Path.of(file + "_hash"), BCrypt.hashpw(Files.readString(Path.of(file)), BCrypt.gensalt(10)));
        }
    }
}
EOF
        java -cp "$jar" "$src" "$@"
        rm -rf "$(dirname "$src")"
        case "$jar" in */BOOT-INF/lib/*) rm -rf "${jar%%/BOOT-INF/*}" ;; esac
    fi
}

unhashed=()
for user in "${USERS[@]}"; do
    if [ -n "$FORCE" ] || [ ! -s "$OUT/${user}_password" ]; then
        random_secret 24 >"$OUT/${user}_password"
        rm -f "$OUT/${user}_password_hash"
        echo "generated password $OUT/${user}_password"
    fi
    [ -s "$OUT/${user}_password_hash" ] || unhashed+=("$OUT/${user}_password")
done
bcrypt_files "${unhashed[@]}"
if [ -n "$FORCE" ] || [ ! -s "$OUT/agent_token" ]; then
    random_secret 40 >"$OUT/agent_token"
    echo "generated token $OUT/agent_token"
fi
