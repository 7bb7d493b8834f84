# Environment for container tests on machines without a registry (source it: `. scripts/ci-env.sh`).
# Testcontainers reads these only from the environment, so they cannot live in a pom. Build the images first with
# scripts/offline-images.sh.

# /.dockerenv exists on these machines, so Testcontainers believes it runs in a container and would pull alpine to
# find the gateway, retrying for minutes
export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-localhost}
export TESTCONTAINERS_RYUK_CONTAINER_IMAGE=${TESTCONTAINERS_RYUK_CONTAINER_IMAGE:-local/ryuk:1}
# privileged containers cannot start here
export TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED=${TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED:-false}
export TESTCONTAINERS_SOCAT_CONTAINER_IMAGE=${TESTCONTAINERS_SOCAT_CONTAINER_IMAGE:-local/socat:1}
export TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE=${TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE:-local/jre:17}
# fail fast if anything still tries to pull
export TESTCONTAINERS_PULL_TIMEOUT=${TESTCONTAINERS_PULL_TIMEOUT:-15}
# the compose file builds nothing when these exist locally; the Prometheus image is Debian's build of the same release
export BASE_IMAGE=${BASE_IMAGE:-local/jre:17}
export PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-local/prometheus:2.42}
