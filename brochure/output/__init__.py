"""Write: files written atomically, the record of what each output was built
from, the state of the last build and check.
"""
