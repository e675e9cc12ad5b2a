"""Issue 9: real `vpp-tui` processes started together against a served simulator.

`served` runs the simulator as a process, `crowd` starts CLI processes that wait on a
barrier, `agree` checks that the store equals Apple, `scenario` holds the steps the tests
share. bench/soak.py uses the same parts.
"""
