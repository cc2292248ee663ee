from tokencost._version import __version__
