"""Words and numbers as the visitor reads them: translations (`en.toml`, `zh.toml`), formatting, gate equations."""
