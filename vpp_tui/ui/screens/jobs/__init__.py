"""The console's jobs screen (key j, from every section): the work queued for
`vpp-tui worker` processes, live, with cancel and details (issue 13, several hosts)."""
