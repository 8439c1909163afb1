"""What people touch: the CLI, its commands, the project (hooks), the review report."""
