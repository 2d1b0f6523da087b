"""Campaign figures: per-appeal series from the hourly rollup, server-rendered SVG charts and
the public open data (/appeals/<slug>/stats.json and .csv)."""
