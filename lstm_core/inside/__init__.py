"""What a trained network holds: hidden and cell states over a whole series (`states`) and select-and-match
of units (`select`).
"""
