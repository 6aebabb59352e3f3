"""ncbsim: a training-simulation and tabletop-exercise engine for international police cooperation.

The engine is headless: nothing here imports a UI library.
"""

__version__ = "0.1.0"
