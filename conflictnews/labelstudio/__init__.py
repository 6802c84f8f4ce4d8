"""Label Studio round trip for ConflictNews.

* :mod:`.config` - the labeling config generated from the schema (``conflictnews ls config``);
* :mod:`.tasks` - corpus documents -> tasks with gold annotations and predictions (``ls export``);
* :mod:`.convert` - a Label Studio JSON export -> validated corpus documents (``ls import``);
* :mod:`.agreement` - agreement between several annotators and merging into one gold;
* :mod:`.client` - live sync through label-studio-sdk (``ls push`` / ``ls pull``);
* :mod:`.cli` - the ``ls`` click group.

Importing this package is cheap: the SDK is imported only by the functions that talk to a server.
"""
