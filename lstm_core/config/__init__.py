"""Settings: every option declared once with `setting()` in frozen config dataclasses (`settings`), derived into
command-line options (`options`) and share links (`links`).
"""
