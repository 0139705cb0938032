"""The notebook executor behind pipeline/notebooks.ts: nbconvert's ExecutePreprocessor, except
that after a cell's kernel reports "idle" it keeps listening briefly for that cell's outputs.

Deno's Jupyter kernel sometimes publishes a cell's result just after its "idle" status (about
one cell in twelve when measured), and nbclient stops collecting at "idle", so the result
would be lost from the executed notebook at random. Used as
`jupyter nbconvert --to notebook --Exporter.preprocessors=_notebook_client.LateOutputExecutor`
with this folder on PYTHONPATH.
"""

from queue import Empty

from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class LateOutputExecutor(ExecutePreprocessor):
    """Executes every cell, collecting outputs that arrive up to `grace` seconds after idle."""

    grace = Float(
        0.3,
        help="Seconds of silence after a cell's idle status before its outputs count as complete",
    ).tag(config=True)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        idle = False
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=self.grace if idle else None)
                )
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True
