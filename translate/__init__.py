"""tarjama: Arabic→English machine translation and bilingual alignment.

The package is a pipeline of small stages that pass one domain model along
(:mod:`translate.model`): segmentation → translation → alignment → export.
Each stage can be used from Python without the CLI.
"""

__version__ = "0.1.0"

TOOL_NAME = "tarjama"
