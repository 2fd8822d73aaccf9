# vmic-script: linux-observe
# runs-on: Linux guest
# parameters: Units, Paths, Services
# sections: os-release, lsmod, builtin, ps, compgen, systemctl, paths, vmbus, init,
#     service-status, time-sync
# errors: none
# commands: bash, cat, grep, lsmod, pidof, ps, rc-service, sed, systemctl, tr, uname
#
# The Linux guest checks of Microsoft's article in one round trip. Reads only. Sections:
# "os-release"; "lsmod" (or /proc/modules); "builtin", the kernel's modules.builtin when
# readable; "ps" (ps -ef; FreeBSD: ps -axww, whose -e would add the environment; BusyBox
# ignores -e -f); "compgen" (compgen -c for the daemons' names); "systemctl" (systemctl show for
# the units in $Units, when systemd runs); "paths" (which of the binaries in $Paths exist: SUSE
# keeps them off PATH); "vmbus" ("present" when /sys/bus/vmbus has devices); "init" (systemd,
# openrc, rc.d or none); "service-status" (NAME EXIT-CODE lines for the OpenRC services in
# $Services: FreeBSD's daemons have no rc.d script, devd starts them, and the process list
# says whether they run); "time-sync" ("ptp /dev/ptp_hyperv" when the Hyper-V PTP clock
# exists, chrony's server/pool/peer/refclock lines as "chrony ...", timesyncd's NTP= lines as
# "timesyncd ...", and "daemon NAME" per running time daemon). $Units, $Paths and $Services are
# lists of quoted words, expanded as words, never as code.
#vmic:include _posix-path.sh
echo '<<vmic:os-release>>'
cat /etc/os-release 2>/dev/null
echo '<<vmic:lsmod>>'
if command -v lsmod >/dev/null 2>&1; then lsmod; else cat /proc/modules 2>/dev/null; fi
vmic_builtin="/lib/modules/$(uname -r)/modules.builtin"
if [ -r "$vmic_builtin" ]; then
    echo '<<vmic:builtin>>'
    cat "$vmic_builtin"
fi
echo '<<vmic:ps>>'
if [ "$(uname -s 2>/dev/null)" = FreeBSD ]; then ps -axww; else ps -ef; fi
echo '<<vmic:compgen>>'
if command -v bash >/dev/null 2>&1; then
    bash -c 'compgen -c hv_; compgen -c hyperv' 2>/dev/null
else
    for vmic_dir in $(printf '%s' "$PATH" | tr ':' ' '); do
        ls "$vmic_dir" 2>/dev/null
    done | grep -E '^(hv_|hyperv)'
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    eval "set -- $Units"
    if [ "$#" -gt 0 ]; then
        echo '<<vmic:systemctl>>'
        systemctl show \
            --property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID,Description \
            -- "$@" 2>/dev/null
    fi
fi
echo '<<vmic:paths>>'
eval "set -- $Paths"
for vmic_path in "$@"; do
    if [ -x "$vmic_path" ]; then echo "$vmic_path"; fi
done
echo '<<vmic:vmbus>>'
if [ -d /sys/bus/vmbus/devices ]; then echo present; else echo absent; fi
echo '<<vmic:init>>'
if [ -d /run/systemd/system ]; then
    echo systemd
elif command -v rc-service >/dev/null 2>&1 && [ -d /run/openrc ]; then
    echo openrc
elif [ "$(uname -s 2>/dev/null)" = FreeBSD ]; then
    echo rc.d
else
    echo none
fi
eval "set -- $Services"
if [ "$#" -gt 0 ] && command -v rc-service >/dev/null 2>&1 && [ -d /run/openrc ]; then
    echo '<<vmic:service-status>>'
    for vmic_service in "$@"; do
        rc-service "$vmic_service" status >/dev/null 2>&1
        echo "$vmic_service $?"
    done
fi
echo '<<vmic:time-sync>>'
if [ -e /dev/ptp_hyperv ]; then echo 'ptp /dev/ptp_hyperv'; fi
for vmic_conf in /etc/chrony.conf /etc/chrony/chrony.conf /etc/chrony/conf.d/*.conf \
    /etc/chrony.d/*.conf; do
    if [ -r "$vmic_conf" ]; then
        grep -E '^[[:space:]]*(server|pool|peer|refclock)[[:space:]]' "$vmic_conf" \
            | sed 's/^[[:space:]]*/chrony /'
    fi
done
for vmic_conf in /etc/systemd/timesyncd.conf /etc/systemd/timesyncd.conf.d/*.conf; do
    if [ -r "$vmic_conf" ]; then
        grep -E '^[[:space:]]*(NTP|FallbackNTP)=' "$vmic_conf" | sed 's/^[[:space:]]*/timesyncd /'
    fi
done
for vmic_daemon in chronyd ntpd systemd-timesyncd; do
    if pidof "$vmic_daemon" >/dev/null 2>&1; then echo "daemon $vmic_daemon"; fi
done
echo '<<vmic:end>>'
