"""The Voilà server behind `workbook app`: start page at `/`, kernels that shut down, a small warm pool."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from queue import Empty
from typing import Any

import tornado.web
from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler

from workbook.bytecode import compile_package
from workbook.pages import START_FILE, all_pages, neighbours

TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
WARM_PER_PAGE = 1
SETTLE_SECONDS = 3.0  # longest wait for a closing page's kernel to handle what it was sent
_BACKGROUND: set[asyncio.Future[Any]] = set()  # keeps pending kernel shutdowns referenced


def pages_to_keep_warm(requested: str) -> set[str]:
    """Notebooks worth a preheated kernel after `requested` is opened: start, previous and next."""
    by_file = {p.filename: p for p in all_pages()}
    warm = {START_FILE}
    page = by_file.get(requested)
    if page is not None:
        warm.update(p.filename for p in neighbours(page.id) if p is not None)
    return warm


class StartPageRedirect(tornado.web.RequestHandler):
    """`/` opens the start page."""

    def get(self) -> None:
        """Redirect to the rendered start notebook."""
        self.redirect(url_path_join(self.settings["base_url"], "voila/render", START_FILE))


class WorkbookPageHandler(TornadoVoilaHandler):  # type: ignore[misc]
    """Voilà's page handler, plus the XSRF cookie and the warm-pool upkeep."""

    async def prepare(self) -> None:
        """Set the `_xsrf` cookie so the page's shutdown beacon is accepted when the tab closes."""
        await super().prepare()
        self.xsrf_token  # noqa: B018 - reading it sets the cookie

    async def get(self, path: str | None = None) -> None:
        """Render the page after arranging which neighbouring pages stay warm."""
        if path:
            await _keep_warm(self.kernel_manager, path, pages_to_keep_warm(path))
        await super().get(path=path)


async def _keep_warm(manager: Any, requested: str, wanted: set[str]) -> None:
    """Give every wanted notebook one preheated kernel and release the others' pooled kernels."""
    if not hasattr(manager, "fill_if_needed"):
        return  # preheating is off
    config = manager.kernel_pools_config
    for name in [*manager._pools, requested]:
        if name in wanted:
            continue
        config[name] = {"pool_size": 0}  # the requested page may still use its warm kernel
        pool = manager._pools.get(name, [])
        while pool and name != requested:
            _release(manager, pool.pop())
    for name in wanted:
        config[name] = {"pool_size": WARM_PER_PAGE}
        manager.fill_if_needed(delay=0, notebook_name=name)


def _release(manager: Any, task: asyncio.Future[Any]) -> None:
    def shut_down(done: asyncio.Future[Any]) -> None:
        if not done.cancelled() and done.exception() is None:
            shutdown = asyncio.ensure_future(manager.shutdown_kernel(done.result()["kernel_id"]))
            _BACKGROUND.add(shutdown)
            shutdown.add_done_callback(_BACKGROUND.discard)

    task.add_done_callback(shut_down)


async def settle_shell(manager: Any, kernel_id: str, timeout: float = SETTLE_SECONDS) -> bool:
    """Wait until the kernel has handled every shell message sent before now; False on timeout."""
    # A shutdown request goes on the control channel and stops the kernel at once, dropping shell
    # messages still queued: a closing page's last widget change (the end of what was typed). The
    # kernel answers shell messages in order, so the reply to one sent now means those are handled.
    if kernel_id not in manager:
        return False
    client = manager.get_kernel(kernel_id).client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.kernel_info()
        deadline = asyncio.get_running_loop().time() + timeout
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                reply = await client.get_shell_msg(timeout=left)
            except Empty:
                break
            if reply["parent_header"].get("msg_id") == msg_id:
                return True
        return False
    finally:
        client.stop_channels()


class WorkbookShutdownHandler(VoilaShutdownKernelHandler):  # type: ignore[misc]
    """Voilà's shutdown for a closed page, after the kernel has handled the page's last changes."""

    @tornado.web.authenticated
    async def post(self, kernel_id: str) -> None:
        """Let the kernel settle, then shut it down."""
        known = kernel_id in self.kernel_manager
        if known and not await settle_shell(self.kernel_manager, kernel_id):
            self.log.warning(
                "Kernel %s did not settle in %s s; shutting it down", kernel_id, SETTLE_SECONDS
            )
        await super().post(kernel_id)


class WorkbookVoila(Voila):  # type: ignore[misc]
    """Voilà with the workbook's start page redirect, page handler and page shutdown."""

    name = "workbook-app"

    def init_handlers(self) -> list[Any]:
        """Voilà's handlers with the page and shutdown handlers swapped and `/` redirected."""
        swaps = {
            TornadoVoilaHandler: WorkbookPageHandler,
            VoilaShutdownKernelHandler: WorkbookShutdownHandler,
        }
        handlers: list[Any] = [(url_path_join(self.server_url, "/"), StartPageRedirect)]
        for handler in super().init_handlers():
            if len(handler) >= 2 and handler[1] in swaps:
                handler = (handler[0], swaps[handler[1]], *handler[2:])
            handlers.append(handler)
        return handlers


def main(argv: list[str] | None = None) -> None:
    """Run the server (arguments as for `voila`)."""
    # The workbook's Voilà template ships inside the package; make Jupyter look there too.
    paths = [
        str(TEMPLATE_ROOT),
        *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep)),
    ]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    compile_package()
    WorkbookVoila.launch_instance(argv=argv)


if __name__ == "__main__":
    main()
