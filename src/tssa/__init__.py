"""copier-tssa: read, check and maintain CNCF TSSA security assessment packages."""

__version__ = "0.1.0"
