"""The run: one engine, one run loop over batches of records, one verifier, executors."""
