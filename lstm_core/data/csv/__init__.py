"""Reading a CSV someone made: text and encodings (`text`), date cells (`cells`), time columns (`dates`), and
the reader that puts them together (`read`).
"""
