# Print the error section with the reason word "$1", and stop.
vmic_error() {
    echo '<<vmic:error>>'
    echo "$1"
    echo '<<vmic:end>>'
    exit 3
}
