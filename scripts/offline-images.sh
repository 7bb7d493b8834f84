#!/usr/bin/env bash
# Builds every image the compose file and the container tests need, with no registry:
#   local/jre:17          JRE base (scripts/build-base-image.sh)
#   local/prometheus:2.42 Debian's Prometheus, also tagged prom/prometheus:v2.42.0 (the compose default) if that is absent
#   local/socat:1         Testcontainers' ambassador, from Debian's socat
#   local/ryuk:1          Testcontainers' resource reaper (scripts/images/ryuk)
#   basalt/<service>:latest for mock-exporter and the four Basalt services, from their boot jars
# Afterwards `docker-compose up -d` of every service but the two Grafanas needs no registry.
# Jars that are missing are built with the Maven wrapper; SKIP_JARS=1 fails instead. FORCE=1 rebuilds everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BASALT_TAG=${BASALT_TAG:-latest}
SERVICES=(mock-exporter agent-service insert-service storage-service select-service)

# Debian's 20.10 CLI builds without the "legacy builder is deprecated" notice the preinstalled CLI prints
docker_build() { if [ -x /usr/bin/docker ]; then /usr/bin/docker build "$@"; else docker build "$@"; fi; }

have_image() { [ -z "${FORCE:-}" ] && docker image inspect "$1" >/dev/null 2>&1; }

# Packs one binary from a Debian package with its ldd closure and busybox. $1 package, $2 binary path in the .deb,
# $3 tag, then extra `docker import --change` instructions.
image_from_deb() {
    local pkg=$1 binary=$2 tag=$3
    shift 3
    local work root lib
    work=$(mktemp -d)
    root=$work/rootfs
    (cd "$work" && apt-get download "$pkg" >/dev/null 2>&1) \
        || { apt-get -o DPkg::Lock::Timeout=300 update -qq && (cd "$work" && apt-get download "$pkg" >/dev/null); }
    dpkg-deb -x "$work"/"$pkg"_*.deb "$work/deb"
    mkdir -p "$root"/{bin,etc,tmp} && chmod 1777 "$root/tmp"
    cp "$work/deb$binary" "$root/bin/"
    for lib in $(ldd "$root/bin/$(basename "$binary")" 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib64\// {print $1}') \
        /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2; do
        [ -e "$lib" ] || continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    cp /bin/busybox "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list); do
        [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
    if [ -n "${PREPARE_ROOT:-}" ]; then "$PREPARE_ROOT" "$root" "$work/deb"; fi
    local changes=()
    for c in "$@"; do changes+=(--change "$c"); done
    tar --numeric-owner -C "$root" -c . | docker import "${changes[@]}" - "$tag" >/dev/null
    rm -rf "$work"
    echo "built $tag"
}

# Laid out like prom/prometheus so the compose file's commands work with either image
prometheus_layout() {
    local root=$1 deb=$2
    mkdir -p "$root/etc/prometheus" "$root/prometheus" "$root/usr/share/prometheus"
    cp -r "$deb/etc/prometheus/consoles" "$deb/etc/prometheus/console_libraries" "$root/usr/share/prometheus/" \
        2>/dev/null || true
    printf 'global: {scrape_interval: 15s}\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{targets: [localhost:9090]}]\n' \
        >"$root/etc/prometheus/prometheus.yml"
    chown 65534:65534 "$root/prometheus"
}

bash scripts/build-base-image.sh local/jre:17

if ! have_image local/prometheus:2.42; then
    PREPARE_ROOT=prometheus_layout image_from_deb prometheus /usr/bin/prometheus local/prometheus:2.42 \
        'USER nobody' 'EXPOSE 9090' 'WORKDIR /prometheus' 'ENTRYPOINT ["/bin/prometheus"]' \
        'CMD ["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus","--web.console.libraries=/usr/share/prometheus/console_libraries","--web.console.templates=/usr/share/prometheus/consoles"]'
fi
# Debian's build is the same 2.42.0 release, so it may stand in for the public name the compose file defaults to
docker image inspect prom/prometheus:v2.42.0 >/dev/null 2>&1 || docker tag local/prometheus:2.42 prom/prometheus:v2.42.0

if ! have_image local/socat:1; then
    image_from_deb socat /usr/bin/socat local/socat:1 'ENTRYPOINT ["socat"]'
fi

if ! have_image local/ryuk:1; then
    ryuk_dir=scripts/images/ryuk
    javac --release 17 -d "$ryuk_dir" "$ryuk_dir/Ryuk.java"
    docker_build -q -t local/ryuk:1 --build-arg BASE_IMAGE=local/jre:17 "$ryuk_dir" >/dev/null
    rm -f "$ryuk_dir"/*.class
    echo "built local/ryuk:1"
fi

missing=()
for svc in "${SERVICES[@]}"; do
    [ -f "$svc/target/$svc.jar" ] || missing+=("$svc")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ -z "${SKIP_JARS:-}" ] || { echo "missing jars: ${missing[*]}" >&2; exit 1; }
    modules=$(IFS=,; echo "${missing[*]}")
    ./mvnw -B -q -DskipTests -pl "$modules" -am package
fi
for svc in "${SERVICES[@]}"; do
    # rebuilt every time: the jar may have changed, and an unchanged one is a cache hit
    docker_build -q -t "basalt/$svc:$BASALT_TAG" --build-arg BASE_IMAGE=local/jre:17 "$svc" >/dev/null
    echo "built basalt/$svc:$BASALT_TAG"
done
