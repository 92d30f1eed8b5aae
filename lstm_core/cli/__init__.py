"""The command line, one module per command: `run` and `samples`, `backtest`, `sweep`, `runs`, `compare-cells`;
`main` builds the parser and turns bad input into one `error:` line.
"""
