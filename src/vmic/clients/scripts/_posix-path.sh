# The system directories too: some distributions keep the tools there, off a user's PATH.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH
