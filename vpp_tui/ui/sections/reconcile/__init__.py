"""The Reconcile section (key 0): classes, their rows, reclaim and export."""
