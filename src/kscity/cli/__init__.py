"""The command-line shell: parse arguments, call a service, print."""
