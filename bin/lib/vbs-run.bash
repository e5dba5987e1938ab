# Shared by bin/vbs-server and bin/vbs-cluster (sourced, after they set $repo and define die):
# where the build puts what they run, the build itself, Debian packages, and the single-machine lab
# (a tgtd and one small QEMU VM, "demo-vm": a virtio-scsi controller and no guest OS).

wildfly_version=$(sed -n 's:.*<version.wildfly>\(.*\)</version.wildfly>.*:\1:p' "$repo/pom.xml")
[[ -n $wildfly_version ]] || die "no <version.wildfly> in $repo/pom.xml"
server_home=$repo/ear/target/server/wildfly-$wildfly_version
server_marker=$server_home/.vbs-configure-server.cli
ear=$repo/ear/target/vbs.ear
tools=$repo/ear/target/tools
plugin_bundles=(vbs-volume-file.jar vbs-export-tgt.jar vbs-vmm-qemu.jar vbs-vmm-libvirt.jar)
plugin_bundle=$tools/plugins/vbs-volume-file.jar
cli=$repo/cli/target/vbs/bin/vbs
build_stamp=$repo/ear/target/vbs-server-build.stamp
lab_packages=(tgt qemu-system-x86 qemu-block-extra socat)

needs_build() {
    local required
    for required in "$server_home/bin/standalone.sh" "$server_marker" "$ear" \
        "$tools/lib/vbs-security.jar" "$plugin_bundle" "$cli" "$build_stamp"; do
        [[ -e $required ]] || return 0
    done
    # A pom or a source file changed since the last build this script made.
    [[ -n $(find "$repo" \( -name .git -o -name target \) -prune -o -type f \
        \( -name pom.xml -o -path '*/src/*' \) -newer "$build_stamp" -print -quit) ]]
}

# Builds the project if something is missing or a source is newer than the last build (never with
# VBS_NO_BUILD=1), then checks that the build left what the run needs.
build_if_needed() {
    local required
    if [[ ${VBS_NO_BUILD:-} != 1 ]] && needs_build; then
        command -v mvn >/dev/null || die "Maven (mvn) is not on the PATH: it is needed to build VBS"
        echo "building VBS (mvn -B -q -DskipTests install; the first build downloads" \
            "its dependencies and takes a few minutes) ..."
        mkdir -p "$repo/ear/target"
        # Stamped with the build's start, so an edit made during the build triggers the next one.
        touch "$build_stamp.new"
        (cd "$repo" && mvn -B -q -DskipTests install) || die "the build failed (see above)"
        mv -f "$build_stamp.new" "$build_stamp"
    fi
    for required in "$server_home/bin/standalone.sh" "$server_marker" "$ear" \
        "$tools/lib/vbs-security.jar" "$plugin_bundle"; do
        [[ -e $required ]] || die "the build did not produce $required"
    done
}

# install_packages WHAT ELSE PACKAGE...: installs the Debian packages that are not installed (as root),
# or dies saying that WHAT needs them and what ELSE the user may do instead.
install_packages() {
    local what=$1 else=$2 package
    shift 2
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) -eq 0 ]] || die "$what needs the Debian packages ${missing[*]}: run as root to install them, $else"
    echo "installing ${missing[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# listening HOST PORT: whether something accepts connections there.
listening() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# The lab's host registration (the keys of a host file, see README, Hosts), this machine as volume
# server (file volumes in POOL) and, with LAB=1, export (the lab's tgtd) and hypervisor host (its QEMU).
# lab_host_keys POOL LAB TGT_PORT TGT_CONTROL QMP_DIR
lab_host_keys() {
    printf '%s\n' "transport=local" "address=127.0.0.1" "volume.driver=file" "volume.pool=$1"
    if [[ $2 == 1 ]]; then
        printf '%s\n' "export.driver=tgt" "export.portal=127.0.0.1:$3" "export.control=$4" \
            "hypervisor.driver=qemu" "hypervisor.qmpSocketDir=$5"
    fi
}

# lab_start RUN_DIR TGT_PORT TGT_CONTROL: starts tgtd (portal 127.0.0.1:TGT_PORT) and demo-vm (QMP
# socket RUN_DIR/qmp/demo-vm.qmp) in the background, logging to RUN_DIR; sets lab_tgtd_pid and lab_vm_pid.
lab_start() {
    local run_dir=$1 tgt_port=$2 tgt_control=$3 accel=tcg
    mkdir -p -- "$run_dir/qmp"
    tgtd -f -C "$tgt_control" --iscsi "portal=127.0.0.1:$tgt_port" >"$run_dir/tgtd.log" 2>&1 </dev/null &
    lab_tgtd_pid=$!
    [[ -r /dev/kvm && -w /dev/kvm ]] && accel=kvm
    rm -f -- "$run_dir/qmp/demo-vm.qmp"
    qemu-system-x86_64 -name demo-vm -accel "$accel" -machine q35 -nodefaults -display none -m 128 \
        -qmp "unix:$run_dir/qmp/demo-vm.qmp,server=on,wait=off" \
        -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 -device virtio-scsi-pci,id=scsi0,bus=rp1 \
        >"$run_dir/demo-vm.log" 2>&1 </dev/null &
    lab_vm_pid=$!
    echo "lab: tgtd on 127.0.0.1:$tgt_port (control $tgt_control, pid $lab_tgtd_pid), instance demo-vm" \
        "(QEMU $accel, pid $lab_vm_pid) on host local"
}

# lab_stop TGTD_PID VM_PID TGT_CONTROL: stops the lab lab_start started (either PID may be empty).
lab_stop() {
    local tgtd_pid=$1 vm_pid=$2 tgt_control=$3 tid
    if [[ -n $vm_pid ]]; then
        kill -TERM "$vm_pid" 2>/dev/null || true
        await_exit "$vm_pid" 30 || { kill -KILL "$vm_pid" 2>/dev/null || true; await_exit "$vm_pid" 10 || true; }
    fi
    if [[ -n $tgtd_pid ]]; then
        # tgtd ignores SIGTERM and refuses to stop while it holds targets.
        for tid in $(tgtadm -C "$tgt_control" --lld iscsi --mode target --op show 2>/dev/null \
            | sed -n 's/^Target \([0-9]*\): .*/\1/p'); do
            tgtadm -C "$tgt_control" --lld iscsi --mode target --op delete --force --tid "$tid" || true
        done
        tgtadm -C "$tgt_control" --mode system --op delete || kill -KILL "$tgtd_pid" 2>/dev/null || true
        await_exit "$tgtd_pid" 30 || { kill -KILL "$tgtd_pid" 2>/dev/null || true; await_exit "$tgtd_pid" 10 || true; }
    fi
}

# running PID: whether the process runs. A zombie has ended (an init that reaps slowly keeps them a while).
running() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ -n $stat && ${stat%% *} != Z ]]
}

# await_exit PID SECONDS: waits until the process has ended (and reaps it if it is a child of this
# script); fails if it still runs after SECONDS.
await_exit() {
    local pid=$1 tenths=$(($2 * 10))
    while running "$pid"; do
        ((tenths-- > 0)) || return 1
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
}
