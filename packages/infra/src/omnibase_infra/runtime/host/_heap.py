"""How a node process sets up the cyclic garbage collector once it has started."""

import gc

# A fetched batch keeps its records, envelopes and outputs alive until it is done: about a
# dozen tracked objects per message, 6k for 500 records. With CPython's default young
# generation (700) a batch set off five collections, each rescanning the batch (about a
# tenth of the CPU per message in benchmark B1). This holds a few batches; what a batch
# leaves behind is freed by reference counting, so only cyclic garbage waits longer.
YOUNG_GENERATION_THRESHOLD = 20_000


def tune_heap_for_batches() -> None:
    """Exempt what start-up built from collection and size the young generation for batches.

    Modules, classes, schemas and clients live as long as the process; without the freeze
    every full collection rescans them.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
