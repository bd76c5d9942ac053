"""The Gradio chat app: `build_app(bot)` lays it out and wires it, `launch()` readies the index and serves it."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag import SUPPORTED_SUFFIXES
from rag import Settings as _Settings
from ui import indicators as ind
from ui.chat import ALL, answer_turn, ask, corpus_table, examples, filter_choices, holdings, new_session, open_citation
from ui.render import CSS, source_html

if TYPE_CHECKING:
    import gradio as gr

    from rag import Assistant, Settings

__all__ = ["build_app", "start", "launch", "prepare", "add_reports", "ANSWER_CONCURRENCY", "UPLOAD_TYPES", "MAX_UPLOAD"]

log = logging.getLogger(__name__)
# Answering is CPU-bound on one shared model; on a small machine more parallel runs only fight over the cores,
# while the queue keeps every session's page responsive and serves waiting questions in order.
ANSWER_CONCURRENCY = 2
_PROMPT = "输入问题，回车发送"
UPLOAD_TYPES = sorted(SUPPORTED_SUFFIXES)  # whatever the loader reads
MAX_UPLOAD = f"{_Settings.max_file_bytes // 2**20}mb"  # the same limit the loader applies to any file

_SCROLL_TO_MARK = """() => { setTimeout(() => {
  const box = document.querySelector('#source-viewer .rag-source'); const m = box && box.querySelector('mark');
  if (m) box.scrollTop = m.offsetTop - box.offsetTop - 40; }, 200); }"""


def _theme() -> gr.themes.Base:
    """A theme with local CJK fonts only (no web-font downloads: the app runs offline)."""
    import gradio as gr

    fonts = ["system-ui", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "sans-serif"]
    return gr.themes.Soft(font=fonts, font_mono=["ui-monospace", "monospace"])


def build_app(bot: Assistant) -> gr.Blocks:
    """Lay out the chat, filters, source viewer and corpus tab over a ready Assistant."""
    import gradio as gr

    regions, years = filter_choices(bot)
    headers, rows = corpus_table(bot)
    stats = bot.stats()

    def add_question(question: str, chat: list[dict]) -> tuple[Any, ...]:
        """Show the question at once and hand it on to be answered."""
        q = (question or "").strip()
        if not q:
            return question, chat, ""
        return "", [*chat, {"role": "user", "content": escape(q)}], q

    def respond(question: str, chat: list[dict], session: dict, region: str, year: str,
                progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - Gradio's progress idiom
        """Answer the pending question and refresh the source viewer."""
        if not question:
            return chat, session, gr.update(), gr.update()
        progress(0, desc="正在检索报告…")
        reply, first = answer_turn(bot, question, session, region, year)
        chat = [*chat, {"role": "assistant", "content": reply}]
        if first is None:
            return chat, session, gr.update(choices=session["choices"]), gr.update()
        return chat, session, gr.update(choices=session["choices"], value=first), open_citation(bot, session, first)

    def clear() -> tuple[Any, ...]:
        """Start the conversation over."""
        return [], new_session(), "", gr.update(choices=[], value=None), source_html(None, "", 0)

    def ask_api(question: str, history: list[str] | str | None = None, regions: list[str] | None = None,
                years: list[int] | None = None) -> dict:
        """Answer a question; history lists the previous questions (a list or a JSON list) for follow-ups."""
        return ask(bot, question, history, regions, years)

    def upload(files: list[Any] | None) -> tuple[Any, ...]:
        """Ingest uploaded reports and refresh the filters."""
        report = add_reports(bot, [getattr(f, "name", f) for f in files or []])
        new_regions, new_years = filter_choices(bot)
        return report, gr.update(choices=new_regions), gr.update(choices=new_years)

    with gr.Blocks(title="政府工作报告问答", analytics_enabled=False) as demo:
        session = gr.State(new_session())
        pending = gr.State("")
        gr.Markdown(f"## 政府工作报告问答\n收录 {stats['documents']} 份报告、{stats['chunks']} 个片段。"
                    "回答逐字引用报告原文并注明出处；报告里没有的内容会直接说明。")
        with gr.Tab("问答"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chat = gr.Chatbot(label="对话", show_label=False, elem_id="chat", height="60vh", min_height=320,
                                      feedback_options=None, buttons=["copy", "copy_all"],
                                      placeholder="问报告里的目标、数字、人物或名词，例如“焦作解放区2022年GDP目标”。")
                    with gr.Row():
                        msg = gr.Textbox(show_label=False, placeholder=_PROMPT, elem_id="question",
                                         scale=5, min_width=180, max_length=bot.settings.max_question_chars)
                        send = gr.Button("发送", variant="primary", elem_id="send", scale=1, min_width=72)
                    with gr.Row():
                        region = gr.Dropdown(regions, value=ALL, label="地区", elem_id="region", min_width=140)
                        year = gr.Dropdown(years, value=ALL, label="年份", elem_id="year", min_width=100)
                        reset = gr.Button("清空对话", elem_id="clear", min_width=100)
                    samples = gr.Examples(examples(bot) or ["国务院2016年GDP增长目标"], inputs=[msg], label="示例问题（点击即问）")
                with gr.Column(scale=2, min_width=300):
                    picker = gr.Dropdown([], value=None, label="原文查看：选择一条引用", elem_id="cite-picker")
                    viewer = gr.HTML(source_html(None, "", 0), elem_id="source-viewer")
        with gr.Tab("报告库"):
            gr.Markdown(f"可以问这些报告：{holdings(bot)}")
            gr.Dataframe(rows, headers=headers, interactive=False, wrap=True, max_height=900, elem_id="corpus")
        with gr.Tab("指标"):
            opts = ind.choices(bot)
            gr.Markdown("各报告的主要预期目标和实际完成情况，逐条注明原文。点击一行查看出处；可下载 CSV 或 Excel。")
            with gr.Row():
                f_metric = gr.Dropdown(opts["metric"], value="GDP" if "GDP" in opts["metric"] else ind.ALL, label="指标",
                                       elem_id="ind-metric", min_width=140)
                f_year = gr.Dropdown(opts["year"], value=ind.ALL, label="年份", elem_id="ind-year", min_width=100)
                f_region = gr.Dropdown(opts["region"], value=ind.ALL, label="地区", elem_id="ind-region", min_width=140)
                f_level = gr.Dropdown(opts["level"], value=ind.ALL, label="层级", elem_id="ind-level", min_width=100)
                f_kind = gr.Radio([ind.ALL, "目标", "实际"], value="目标", label="类型", elem_id="ind-kind")
            filters = [f_metric, f_year, f_region, f_level, f_kind]
            grid = gr.Dataframe(ind.table(bot, *(f.value for f in filters)), headers=ind.HEADERS, interactive=False,
                                wrap=True, max_height=480, elem_id="indicators")
            with gr.Row():
                bar = gr.BarPlot(ind.bar_data(bot, f_metric.value, f_year.value, f_kind.value), x="地区", y="数值",
                                 title="各地区（所选年份）", elem_id="ind-bar", sort="-y")
                line = gr.LinePlot(ind.line_data(bot, f_metric.value, f_region.value, f_kind.value), x="年份", y="数值",
                                   title="逐年（所选地区）", elem_id="ind-line")
            ind_source = gr.HTML(source_html(None, "", 0), elem_id="ind-source")
            with gr.Row():
                csv_btn = gr.DownloadButton("下载 CSV", elem_id="ind-csv")
                xlsx_btn = gr.DownloadButton("下载 Excel", elem_id="ind-xlsx")

            def refresh(*values: str) -> tuple[Any, ...]:
                """Re-filter the table and redraw the charts."""
                metric, year, region, level, kind = values
                return (ind.table(bot, *values), ind.bar_data(bot, metric, year, kind), ind.line_data(bot, metric, region, kind),
                        ind.export(bot, "csv", *values), ind.export(bot, "xlsx", *values))

            def show(evt: gr.SelectData, rows: Any) -> str:
                """Open the clicked row's source with its quote marked."""
                r = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
                key = rows.iloc[r, -1] if hasattr(rows, "iloc") else rows[r][-1]
                return ind.row_source(bot, str(key))

            show.__annotations__["evt"] = gr.SelectData  # postponed annotations: Gradio needs the real class to inject it
            for f in filters:
                f.change(refresh, filters, [grid, bar, line, csv_btn, xlsx_btn], api_visibility="undocumented")  # type: ignore[attr-defined]
            grid.select(show, [grid], ind_source, api_visibility="undocumented")
            demo.load(refresh, filters, [grid, bar, line, csv_btn, xlsx_btn], api_visibility="undocumented")
        with gr.Tab("添加报告"):
            gr.Markdown(f"上传政府工作报告（{' '.join(UPLOAD_TYPES)}，每个不超过 {MAX_UPLOAD.upper()}）。"
                        "地区、年份等信息从正文读取；内容未变的文件会跳过。")
            files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="报告文件", elem_id="upload")
            add = gr.Button("加入索引", variant="primary", elem_id="upload-add")
            added = gr.Markdown(elem_id="upload-result")
            add.click(upload, [files], [added, region, year], concurrency_limit=1, api_name="upload")

        answer_args: dict[str, Any] = {"fn": respond, "inputs": [pending, chat, session, region, year],
                       "outputs": [chat, session, picker, viewer], "concurrency_limit": ANSWER_CONCURRENCY,
                       "concurrency_id": "answer", "api_visibility": "undocumented", "show_progress_on": [chat]}
        ask_args: dict[str, Any] = {"fn": add_question, "inputs": [msg, chat], "outputs": [msg, chat, pending], "queue": False,
                    "api_visibility": "undocumented"}
        msg.submit(**ask_args).then(**answer_args)
        send.click(**ask_args).then(**answer_args)
        samples.load_input_event.then(**ask_args).then(**answer_args)
        for trigger in (reset.click, chat.clear):
            trigger(clear, None, [chat, session, pending, picker, viewer], queue=False, api_visibility="undocumented")
        picker.input(lambda s, k: open_citation(bot, s, k), [session, picker], viewer, api_visibility="undocumented")
        viewer.change(None, js=_SCROLL_TO_MARK)
        gr.api(ask_api, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    return demo


def prepare(bot: Assistant, progress: bool = True) -> None:
    """Build the index if empty (progress bar in the console) and warm the model up before serving."""
    bot.ensure_index(progress=progress)
    bot.answer((examples(bot) or ["GDP目标"])[0])


def start(bot: Assistant, host: str = "127.0.0.1", port: int = 7860, share: bool = False, quiet: bool = True) -> gr.Blocks:
    """Ready the index and serve the chat UI in the background; return the running app (close() stops it)."""
    log.info("preparing the index at %s", bot.settings.index_dir)
    prepare(bot)
    demo = build_app(bot)
    demo.queue(max_size=64)
    demo.launch(server_name=host, server_port=port, share=share, prevent_thread_lock=True, quiet=quiet,
                show_error=True, ssr_mode=False, css=CSS, theme=_theme(), max_file_size=MAX_UPLOAD)
    return demo


def launch(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           bot: Assistant | None = None) -> None:
    """Serve the chat UI until interrupted."""
    from rag import Assistant

    demo = start(bot or Assistant(settings=settings), host, port, share, quiet=False)
    demo.block_thread()


def add_reports(bot: Assistant, paths: list[str]) -> str:
    """Ingest files of allowed types into the index and describe what happened, in Markdown."""
    from rag import IndexBusyError

    allowed = [p for p in paths if Path(p).suffix.lower() in UPLOAD_TYPES]
    rejected = [Path(p).name for p in paths if p not in allowed]
    if not allowed:
        return "请选择要上传的报告文件。" + (f"不支持的类型：{'、'.join(rejected)}" if rejected else "")
    try:
        s = bot.ingest(allowed)
    except IndexBusyError as err:
        return f"索引正被另一个导入占用：{escape(str(err))}"
    lines = [f"新增 {len(s.added)}，替换 {len(s.replaced)}，未变 {len(s.unchanged)}，跳过 {len(s.skipped) + len(rejected)}。"]
    lines += [f"- 跳过 {escape(Path(p).name)}：{escape(reason.split(': ', 1)[-1])}" for p, reason in s.skipped]
    lines += [f"- 跳过 {escape(n)}：不支持的文件类型" for n in rejected]
    lines += [f"- {escape(d)}：{escape(w)}" for d, w in s.warnings]
    lines += [f"- {escape(d)}：可能不是政府工作报告（{escape(w)}）" for d, w in s.flagged]
    return "\n".join(lines)
