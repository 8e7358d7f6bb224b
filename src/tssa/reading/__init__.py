"""Reading packages: the outline, the Markdown reader, the one resolver, facts and findings, safe file reading.

Every command reads through this layer, and it imports no command and no writing.
"""
