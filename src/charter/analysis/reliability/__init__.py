"""SLOs (windows, SLIs, rules, status) and incidents; pure."""
