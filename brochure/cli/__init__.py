"""The command line: options parsed and passed to one function of the API;
problems printed one way.
"""
