# vmic-script: linux-start
# runs-on: Linux guest
# parameters: Daemon, Unit, Sudo
# sections: method
# errors: not-installed
# commands: systemctl, pidof, sudo
#
# Starts the integration services daemon $Daemon (hv_kvp_daemon...): systemctl start $Unit
# when systemd has the unit loaded, else runs the binary itself, as root through sudo -n when
# $Sudo is true (as Microsoft's article does with "sudo hv_kvp_daemon"). A daemon already
# running is left alone. Section "method" is "systemd" or "exec".
vmic_verb=start
#vmic:include _daemon.sh
echo '<<vmic:method>>'
echo exec
if [ -z "$vmic_pids" ]; then vmic_run "$Daemon" || exit $?; fi
echo '<<vmic:end>>'
