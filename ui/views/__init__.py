"""Page parts bigger than a chart: gate and inside views, run tables, downloads."""
