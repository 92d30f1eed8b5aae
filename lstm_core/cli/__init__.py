"""The command line, one module per command: `run` and `samples`, `backtest`, `sweep`, `runs`;
`main` builds the parser and turns bad input into one `error:` line.
"""
