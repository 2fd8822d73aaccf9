# Run a command as root through sudo -n (never prompting) when $Sudo is true.
vmic_run() {
    if [ "$Sudo" = true ]; then sudo -n -- "$@"; else "$@"; fi
}
