"""Writing safely: a file whole or not at all, and a package's changes all at once.

A private copy to work on (`staging`), a journal that the next run finishes or
undoes (`movein`), and one writer per repository at a time (`lock`). It reads
through the core only, so every command can use it.
"""
