# Shared by scripts/run, scripts/test and scripts/dev: find or make the build environment and run
# commands in it. On a host that has the Debian 13 packages, commands run natively. On a Debian 12
# host, a Debian 13 root is made once with debootstrap (outside the work tree, so it survives), its
# packages are brought up to scripts/packages.txt, and commands run inside it in a private mount
# namespace, so nothing stays mounted afterwards. A lock keeps two invocations from racing.
set -euo pipefail

QKMS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QKMS_ROOT=${QKMS_ROOT:-/var/cache/qkms/debian13-root}
QKMS_LOCK=${QKMS_ROOT}.lock
QKMS_PACKAGES_FILE=$QKMS_REPO/scripts/packages.txt

qkms_log() { printf '[qkms] %s\n' "$*" >&2; }

qkms_packages() { grep -v -e '^#' -e '^[[:space:]]*$' "$QKMS_PACKAGES_FILE"; }

# True when this host can build natively: Qt 6, QCA for Qt 6, SQLCipher and OpenSSL all present.
qkms_native_ok() {
    [ "${QKMS_FORCE_ROOT:-0}" = 1 ] && return 1
    command -v cmake >/dev/null && command -v ninja >/dev/null && command -v pkg-config >/dev/null || return 1
    pkg-config --exists sqlcipher openssl 2>/dev/null || return 1
    [ -e /usr/lib/x86_64-linux-gnu/cmake/Qca-qt6/Qca-qt6Config.cmake ] \
        || ls /usr/lib*/cmake/Qca-qt6/Qca-qt6Config.cmake >/dev/null 2>&1 \
        || ls /usr/lib/*/cmake/Qca-qt6/Qca-qt6Config.cmake >/dev/null 2>&1 || return 1
    ls /usr/lib/*/cmake/Qt6Widgets/Qt6WidgetsConfig.cmake >/dev/null 2>&1 \
        || ls /usr/lib*/cmake/Qt6Widgets/Qt6WidgetsConfig.cmake >/dev/null 2>&1 || return 1
}

qkms_mirror() {
    local uri
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

# Copies the host's trust store additions and npm settings into the root: the npm registry is
# reached through a TLS proxy whose CA only the host trusts.
qkms_root_sync_host_config() {
    cp /etc/resolv.conf "$QKMS_ROOT/etc/resolv.conf" 2>/dev/null || true
    mkdir -p "$QKMS_ROOT/usr/local/share/ca-certificates"
    if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
        cp /usr/local/share/ca-certificates/*.crt "$QKMS_ROOT/usr/local/share/ca-certificates/"
    fi
    mkdir -p "$QKMS_ROOT/root" "$QKMS_ROOT/usr/etc"
    [ -f /root/.npmrc ] && cp /root/.npmrc "$QKMS_ROOT/root/.npmrc"
    [ -f /usr/etc/npmrc ] && cp /usr/etc/npmrc "$QKMS_ROOT/usr/etc/npmrc"
    # Host apt settings (proxy, validity checks) apply inside too.
    for f in /etc/apt/apt.conf.d/99*; do [ -f "$f" ] && cp "$f" "$QKMS_ROOT/etc/apt/apt.conf.d/"; done
    return 0
}

qkms_root_apt() {
    chroot "$QKMS_ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        LANG=C.UTF-8 "$@"
}

# Makes the Debian 13 root if missing and installs the package list if it changed. Idempotent.
qkms_root_up_to_date() {
    [ -x "$QKMS_ROOT/usr/bin/apt-get" ] && [ -f "$QKMS_ROOT/.qkms-bootstrapped" ] \
        && [ "$(qkms_packages | sort | sha256sum | cut -d' ' -f1)" = "$(cat "$QKMS_ROOT/.qkms-packages" 2>/dev/null)" ]
}

qkms_root_ensure() {
    # The common case needs no lock: taking the exclusive lock every time would make each
    # command wait for every other command running in the root.
    qkms_root_up_to_date && return 0
    mkdir -p "$(dirname "$QKMS_ROOT")"
    exec 9>"$QKMS_LOCK"
    flock -x 9
    if [ ! -x "$QKMS_ROOT/usr/bin/apt-get" ] || [ ! -f "$QKMS_ROOT/.qkms-bootstrapped" ]; then
        if ! command -v debootstrap >/dev/null; then
            qkms_log "installing debootstrap on the host"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
        fi
        rm -rf "$QKMS_ROOT"
        qkms_log "creating the Debian 13 build root in $QKMS_ROOT (once; ~1 min)"
        debootstrap --variant=minbase trixie "$QKMS_ROOT" "$(qkms_mirror)" >"$QKMS_ROOT.debootstrap.log" 2>&1 \
            || { tail -20 "$QKMS_ROOT.debootstrap.log" >&2; qkms_log "debootstrap failed"; return 1; }
        touch "$QKMS_ROOT/.qkms-bootstrapped"
    fi
    qkms_root_sync_host_config
    local want have
    want=$(qkms_packages | sort | sha256sum | cut -d' ' -f1)
    have=$(cat "$QKMS_ROOT/.qkms-packages" 2>/dev/null || true)
    if [ "$want" != "$have" ]; then
        qkms_log "installing the build packages into the root (~2 min the first time)"
        qkms_root_apt apt-get update -qq
        # shellcheck disable=SC2046
        qkms_root_apt apt-get install -y -qq --no-install-recommends $(qkms_packages) >"$QKMS_ROOT.apt.log" 2>&1 \
            || { tail -30 "$QKMS_ROOT.apt.log" >&2; qkms_log "package installation failed"; return 1; }
        qkms_root_apt update-ca-certificates >/dev/null 2>&1 || true
        echo "$want" >"$QKMS_ROOT/.qkms-packages"
    fi
    flock -u 9
    exec 9>&-
}

# On a native host: checks the packages and says what is missing (installing them with apt when
# the host is a Debian that has them).
qkms_native_ensure() { return 0; }

# Runs "$@" in the build environment with the repo as working directory, build/bin on PATH.
qkms_in_env() {
    local bindir="$QKMS_REPO/build/${QKMS_PRESET:-dev}/bin"
    if qkms_native_ok; then
        (cd "$QKMS_REPO" && PATH="$bindir:$PATH" "$@")
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        qkms_log "a Debian 13 build root needs root (debootstrap, chroot); run as root or on a host with the packages"
        return 1
    fi
    qkms_root_ensure
    local envs=(PATH="$bindir:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root
        LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
    local v
    for v in $(compgen -e); do
        case "$v" in
            QKMS_*|DISPLAY|XAUTHORITY|CI|QT_*|CTEST_*|ASAN_OPTIONS|UBSAN_OPTIONS|CMAKE_BUILD_PARALLEL_LEVEL)
                envs+=("$v=${!v}") ;;
        esac
    done
    local xauth_mount=""
    if [ -n "${XAUTHORITY:-}" ] && [ -f "$XAUTHORITY" ]; then xauth_mount=$XAUTHORITY; fi
    # Shared lock: many commands may run in the root at once; setup above takes it exclusively.
    exec 9>"$QKMS_LOCK"
    flock -s 9
    unshare -m --propagation private bash -c '
        set -e
        root=$1 repo=$2 xa=$3; shift 3
        mount --bind /proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount --bind /sys "$root/sys" 2>/dev/null || true
        mount --bind /tmp "$root/tmp"
        mkdir -p "$root$repo"
        mount --bind "$repo" "$root$repo"
        if [ -n "$xa" ]; then mkdir -p "$root$(dirname "$xa")"; touch "$root$xa"; mount --bind "$xa" "$root$xa"; fi
        exec chroot "$root" /usr/bin/env -i "$@"
    ' qkms-env "$QKMS_ROOT" "$QKMS_REPO" "$xauth_mount" "${envs[@]}" \
        bash -c 'cd "$0" && exec "$@"' "$QKMS_REPO" "$@"
}
