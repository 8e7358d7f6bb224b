"""copier-tssa: read, check and maintain CNCF TSSA security assessment packages."""

__version__ = "0.2.0"
