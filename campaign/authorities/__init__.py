"""The register of authorities that demands are addressed to, and each authority's public
record across appeals (/authorities, /authorities/<slug>)."""
