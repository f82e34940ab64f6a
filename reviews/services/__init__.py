"""The desk's writes: queue, verdicts and publishing, evidence, API clients and webhooks."""
