#!/usr/bin/env bash
# Builds a JRE base image with no registry: jlink from the host's JDK 17, the shared-library closure found by ldd, and
# busybox-static for a shell and wget (healthchecks), packed with `docker import`. JAVA_HOME is /opt/java/openjdk as in
# the Temurin images, so the service Dockerfiles work unchanged on either base.
# Usage: scripts/build-base-image.sh [tag]   (default local/jre:17; FORCE=1 rebuilds an existing tag)
set -euo pipefail
TAG=${1:-local/jre:17}
JDK=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}   # Debian's openjdk-17-jdk-headless ships the jmods jlink needs
# a superset of what jdeps reports for a WebFlux + Actuator + Prometheus boot jar, plus TLS, DNS, JMX and charsets
MODULES=${MODULES:-java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.charsets}

if [ -z "${FORCE:-}" ] && docker image inspect "$TAG" >/dev/null 2>&1; then
    echo "$TAG already present"
    exit 0
fi
[ -x "$JDK/bin/jlink" ] || { echo "no jlink under $JDK (install openjdk-17-jdk-headless)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "/bin/busybox missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc/ssl/certs,tmp,var/tmp,opt/java,app,lib64,root,usr/lib/locale}
chmod 1777 "$root/tmp" "$root/var/tmp"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$root/opt/java/openjdk"
# Debian links cacerts into /etc; the image needs the real file
rm -f "$root/opt/java/openjdk/lib/security/cacerts"
cp -L /etc/ssl/certs/java/cacerts "$root/opt/java/openjdk/lib/security/cacerts"
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
# a headless server never loads these, and keeping them would drag the X11 and sound libraries in
rm -f "$root"/opt/java/openjdk/lib/{libawt_xawt,libjawt,libsplashscreen,libjsound}.so

# copy every shared library the runtime links against to the same path (mawk has no \s, hence the plain fields)
find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\/(usr\/)?lib/ {print $3} $1 ~ /^\/lib64\// {print $1}' | sort -u >"$work/libs"
# name resolution is loaded with dlopen, so ldd cannot see it
printf '%s\n' /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 >>"$work/libs"
while read -r lib; do
    [ -e "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done <"$work/libs"

cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$root/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
# without a UTF-8 locale the JVM falls back to file.encoding=ANSI_X3.4-1968
cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
chown 1000:1000 "$root/app"

tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' --change 'ENV LANG=C.UTF-8' \
    --change 'WORKDIR /app' --change 'CMD ["/bin/sh"]' - "$TAG" >/dev/null
echo "built $TAG"
