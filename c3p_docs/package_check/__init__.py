"""check-package: a submission folder against the call's rules, by content and by name."""
