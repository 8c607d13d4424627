"""A local fake of Amazon's Selling Partner API for tests and the demo.

from amazon_simulator import AmazonSimulator
with AmazonSimulator(seed=42) as sim:
    sim.state.generate_orders(20)
    ...  # point the SP-API client at sim.url and sim.token_url
"""

from .models import SharedModelsMisconfigured, SharedModelsNotFound, shared_models_dir
from .simulator import AmazonSimulator
from .state import SimulatorState

__all__ = [
    "AmazonSimulator",
    "SharedModelsMisconfigured",
    "SharedModelsNotFound",
    "SimulatorState",
    "shared_models_dir",
]
