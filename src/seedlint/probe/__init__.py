"""Optional network probes (image sizes and friends)."""
