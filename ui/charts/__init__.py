"""Plotly figure builders: pure functions from data to `go.Figure`, no Streamlit calls."""
