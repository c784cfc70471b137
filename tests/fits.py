"""Parameters of the small networks the tests train, shared by their modules.

``FAST`` learns the planted motif of ``make_motif_dataset(300, 30)`` in
seconds; a module that needs another setting says which, and why, as
``{**FAST, ...}``.
"""

#: Network and training parameters that learn the planted motif in seconds.
FAST = dict(filters=16, kernel_size=8, epochs=15, learning_rate=0.01, batch_size=32)
