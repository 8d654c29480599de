"""The `tsr-news` command: argument parsing over the package's API (`main`; the `ls`
commands in `labelstudio`)."""
