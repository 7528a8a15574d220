"""Writes the repository's Word templates (proposals/docx/*.docx) with python-docx.

The templates carry Jinja tags for docxtpl ({{ … }}, {%tr for … %} rows, {%p for … %} paragraphs).
An instansi replaces any of them with its own (letterhead, signatory) on the proposal page; this
script is how the defaults are made, so that they can be read and changed as code:

    .venv/bin/python scripts/build_docx_templates.py
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "proposals" / "docx"


def _doc(landscape=False):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    return doc


def _kop(doc):
    """The letterhead: the instansi's name; an instansi puts its own (logo, address) in its template."""
    head = doc.sections[0].header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run("{{ instansi_upper }}")
    run.bold = True
    run.font.size = Pt(14)
    line = doc.sections[0].header.add_paragraph("{{ address }}")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _p(doc, text="", bold=False, center=False, size=None):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _table(doc, headers, cells, loop="r in rows"):
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        table.rows[0].cells[i].text = ""
        table.rows[0].cells[i].paragraphs[0].add_run(h).bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, c in enumerate(cells):
        table.rows[2].cells[i].text = c
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def _signature(doc, role_line="{{ signatory.title }}"):
    for text in ("{{ place_date }}", role_line, "", "", "", "{{ signatory.name }}", "{{ signatory.nip_line }}"):
        p = doc.add_paragraph(text)
        p.paragraph_format.left_indent = Cm(9)


def letter():
    doc = _doc()
    _kop(doc)
    for text in ("Nomor\t: {{ letter.number }}", "Lampiran\t: {{ attachments }}",
                 "Hal\t: Pengajuan Evaluasi Zona Integritas Menuju WBK/WBBM Tahun {{ year }}"):
        _p(doc, text)
    _p(doc, "{{ place_date }}")
    _p(doc, "Yth. Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi\nu.p. Deputi Bidang Reformasi "
            "Birokrasi, Akuntabilitas Aparatur, dan Pengawasan\ndi Jakarta")
    _p(doc, "Dalam rangka pelaksanaan Peraturan Menteri PANRB Nomor 90 Tahun 2021 tentang Pembangunan dan "
            "Evaluasi Zona Integritas Menuju Wilayah Bebas dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani "
            "di Instansi Pemerintah, sebagaimana telah diubah dengan Peraturan Menteri PANRB Nomor 5 Tahun 2024, "
            "bersama ini kami mengusulkan {{ count }} unit kerja/kawasan di lingkungan {{ instansi }} untuk "
            "dievaluasi oleh Tim Penilai Nasional, dengan hasil penilaian Tim Penilai Internal sebagai berikut:")
    _table(doc, ["No", "Unit kerja / kawasan", "Predikat yang diusulkan", "Nilai TPI", "Pengungkit", "Hasil"],
           ["{{ r.no }}", "{{ r.name }}", "{{ r.predicate }}", "{{ r.total }}", "{{ r.pengungkit }}",
            "{{ r.hasil }}"])
    _p(doc, "")
    _p(doc, "Nilai di atas adalah nilai Tim Penilai Internal ({{ tpi_basis }}). Sebagai bahan evaluasi kami "
            "lampirkan Lembar Kerja Evaluasi (LKE) Zona Integritas setiap unit kerja dan Surat Pernyataan "
            "Tanggung Jawab Mutlak.")
    _p(doc, "Demikian kami sampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.")
    _signature(doc)
    doc.save(OUT / "surat_pengajuan.docx")


def statement():
    doc = _doc()
    _kop(doc)
    _p(doc, "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK", bold=True, center=True, size=12)
    _p(doc, "Nomor: {{ letter.number }}", center=True)
    _p(doc, "Yang bertanda tangan di bawah ini:")
    for text in ("Nama\t: {{ signatory.name }}", "NIP\t: {{ signatory.nip }}", "Jabatan\t: {{ signatory.title }}",
                 "Instansi\t: {{ instansi }}"):
        _p(doc, text)
    _p(doc, "dengan ini menyatakan bahwa:")
    _p(doc, "1. Data, informasi dan dokumen hasil penilaian mandiri serta penilaian Tim Penilai Internal atas "
            "pembangunan Zona Integritas pada unit kerja/kawasan berikut adalah benar dan sesuai dengan keadaan "
            "sebenarnya:")
    _p(doc, "{%p for r in rows %}")
    _p(doc, "    {{ r.no }}. {{ r.name }} — {{ r.predicate }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "2. Unit kerja/kawasan tersebut telah memenuhi syarat pengusulan sebagaimana ditetapkan dalam "
            "Peraturan Menteri PANRB Nomor 90 Tahun 2021 sebagaimana telah diubah dengan Peraturan Menteri PANRB "
            "Nomor 5 Tahun 2024{{ exemption_note }}.")
    _p(doc, "3. Apabila di kemudian hari pernyataan ini terbukti tidak benar, kami bertanggung jawab sepenuhnya "
            "dan bersedia menerima sanksi sesuai ketentuan peraturan perundang-undangan, termasuk pencabutan "
            "predikat yang telah diberikan.")
    _p(doc, "Demikian surat pernyataan ini dibuat dengan sebenarnya.")
    _signature(doc)
    doc.save(OUT / "sptjm.docx")


def decree():
    doc = _doc()
    _kop(doc)
    _p(doc, "KEPUTUSAN {{ signatory.title_upper }}", bold=True, center=True)
    _p(doc, "NOMOR {{ letter.number }}", bold=True, center=True)
    _p(doc, "TENTANG", bold=True, center=True)
    _p(doc, "PENETAPAN UNIT KERJA BERPREDIKAT MENUJU WILAYAH BEBAS DARI KORUPSI DI LINGKUNGAN {{ instansi_upper }} "
            "TAHUN {{ year }}", bold=True, center=True)
    _p(doc, "Menimbang\t: bahwa berdasarkan hasil evaluasi Zona Integritas Menuju Wilayah Bebas dari Korupsi yang "
            "dilaksanakan secara mandiri oleh {{ instansi }} dan keputusan sidang panel tanggal {{ panel_date }}, "
            "perlu menetapkan unit kerja berpredikat Menuju Wilayah Bebas dari Korupsi;")
    _p(doc, "Mengingat\t: 1. Peraturan Menteri PANRB Nomor 90 Tahun 2021; 2. Peraturan Menteri PANRB Nomor 5 Tahun "
            "2024; 3. {{ authority }};")
    _p(doc, "Memperhatikan\t: hasil sidang panel evaluasi mandiri dengan anggota:")
    _p(doc, "{%p for m in panel %}")
    _p(doc, "    {{ loop.index }}. {{ m }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "MEMUTUSKAN:", bold=True, center=True)
    _p(doc, "KESATU\t: Menetapkan unit kerja di lingkungan {{ instansi }} berikut sebagai unit kerja berpredikat "
            "Menuju Wilayah Bebas dari Korupsi (WBK) Tahun {{ year }}:")
    _table(doc, ["No", "Unit kerja", "Nilai TPI", "Dasar keputusan panel"],
           ["{{ r.no }}", "{{ r.name }}", "{{ r.total }}", "{{ r.reasons }}"])
    _p(doc, "")
    _p(doc, "KEDUA\t: Predikat sebagaimana dimaksud diktum KESATU dievaluasi kembali paling lama 2 (dua) tahun "
            "sejak ditetapkan dan dapat dicabut apabila unit kerja tidak lagi memenuhi kriteria.")
    _p(doc, "KETIGA\t: Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    _signature(doc)
    doc.save(OUT / "sk_penetapan.docx")


def lhe():
    doc = _doc(landscape=True)
    _kop(doc)
    _p(doc, "LAPORAN HASIL EVALUASI TIM PENILAI INTERNAL", bold=True, center=True, size=12)
    _p(doc, "PEMBANGUNAN ZONA INTEGRITAS {{ unit_upper }}", bold=True, center=True)
    _p(doc, "{{ round }} · status: {{ status }} · nilai yang dipakai: {{ basis }}", center=True)
    _p(doc, "I. Nilai per area", bold=True)
    _table(doc, ["Komponen / area", "Bobot", "Nilai unit", "Nilai TPI", "% dari bobot (TPI)"],
           ["{{ r.name }}", "{{ r.weight }}", "{{ r.unit }}", "{{ r.tpi }}", "{{ r.percent }}"])
    _p(doc, "")
    _p(doc, "Total {{ total }} (pengungkit {{ pengungkit }}, hasil {{ hasil }}) menurut {{ basis }}; penilaian "
            "mandiri unit {{ unit_total }}. Kesiapan: {{ verdict }}.")
    _p(doc, "II. Kekurangan terhadap syarat {{ target }}", bold=True)
    _p(doc, "{%p for g in gaps %}")
    _p(doc, "    • {{ g }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{{ no_gaps }}")
    _p(doc, "III. Catatan TPI per butir", bold=True)
    _table(doc, ["Butir", "Jawaban unit", "Nilai TPI", "Catatan TPI"],
           ["{{ n.where }}", "{{ n.unit }}", "{{ n.tpi }}", "{{ n.note }}"], loop="n in notes")
    _p(doc, "")
    _p(doc, "IV. Rekomendasi", bold=True)
    _p(doc, "{%p for r in recommendations %}")
    _p(doc, "    {{ loop.index }}. {{ r }}")
    _p(doc, "{%p endfor %}")
    _signature(doc, "Tim Penilai Internal")
    doc.save(OUT / "lhe_tpi.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    letter()
    statement()
    decree()
    lhe()
    print("written:", ", ".join(sorted(p.name for p in OUT.glob("*.docx"))))
