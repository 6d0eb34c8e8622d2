"""Rules, one module per concern. Rules never do I/O."""
