#!/usr/bin/python3
# mk_xlsx.py DIR - XLSX rosters for the tests (openpyxl, then zipfile for
# what openpyxl cannot write: rich text, phonetic runs, a first sheet that
# is not sheet1.xml, hostile packages). Run with /usr/bin/python3.
import datetime, io, os, re, struct, sys, zipfile
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

seeds = sys.argv[1] == "--fuzz-seeds"   # mk_xlsx.py --fuzz-seeds DIR
if seeds:
    del sys.argv[1]
out = sys.argv[1]
HDR = ["姓名", "证件类型", "证件号码", "职业", "等级", "评价方式", "考核日期", "工作单位"]
ID1, ID2, ID3 = sys.argv[2:5] if len(sys.argv) >= 5 else (
    "360102198503121231", "36070219920101102X", "110105194912310021")

def rewrite(src, dst, edit, extra=()):
    """Copies zip src to dst, edit(name, bytes) -> bytes or None (drop),
    then adds the (name, bytes) of extra."""
    zi = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for i in zi.infolist():
            b = edit(i.filename, zi.read(i.filename))
            if b is not None:
                zo.writestr(i.filename, b)
        for name, b in extra:
            zo.writestr(name, b)

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

def to_shared(sheet):
    """Inline strings to shared strings (column B stays inline)."""
    sst = []
    def sub(m):
        if m.group(1).startswith("B"):
            return m.group(0)
        sst.append(m.group(3))
        return '<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2), len(sst) - 1)
    s = re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is><t>(.*?)</t></is></c>', sub,
               sheet.decode())
    items = "".join("<si><t>%s</t></si>" % t for t in sst)
    items = items.replace("<si><t>RICHNAME</t></si>",
        '<si><r><rPr><b/><sz val="11"/></rPr><t>&#24352;</t></r><r><t xml:space="preserve">&#19977;</t></r>'
        '<rPh sb="0" eb="1"><t>ZHANG</t></rPh></si>')
    return s.encode(), ('<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
                        % (NS, len(sst), len(sst), items)).encode()

def roster(path, epoch1904=False):
    wb = openpyxl.Workbook()
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "名单"
    ws.append(HDR)
    # row 2: text everywhere, a date-formatted date, markup characters
    ws.append(["RICHNAME", "居民身份证", ID1, "养老护理员", "四级", "过程化考核",
               datetime.date(2024, 3, 15), '<b>&"康养" \'x\'</b>, 一部'])
    ws["G2"].number_format = "yyyy-mm-dd"
    # row 3: level as a number, an empty cell (no employer, gap), a date in a
    # custom Chinese format
    ws["A3"] = "李四"; ws["B3"] = "居民身份证"; ws["C3"] = ID2
    ws["D3"] = "养老护理员"; ws["E3"] = 5; ws["F3"] = "过程化考核"
    ws["G3"] = datetime.date(2024, 2, 29); ws["G3"].number_format = 'yyyy"年"m"月"d"日"'
    ws["H3"] = None
    # row 4 empty; row 5: a line break typed in a cell, a cell past a gap
    ws["A5"] = "王五"; ws["B5"] = "居民身份证"; ws["C5"] = ID3
    ws["D5"] = "育婴员"; ws["E5"] = "五级"; ws["F5"] = "过程化考核"
    ws["G5"] = "2024-01-02"; ws["H5"] = "第一\n第二"
    other = wb.create_sheet("另一张")
    other.append(["不该读到", "这张表"])
    wb.save(path)

def first_sheet_not_sheet1(path):
    """The roster sheet stored as sheet2.xml with shared strings (one
    with rich text runs and a phonetic guide), the ignored one as
    sheet1.xml."""
    os.rename(path, path + ".tmp")
    zi = zipfile.ZipFile(path + ".tmp")
    sheet, sst = to_shared(zi.read("xl/worksheets/sheet1.xml"))
    def edit(name, b):
        if name == "xl/worksheets/sheet1.xml":
            return zi.read("xl/worksheets/sheet2.xml")
        if name == "xl/worksheets/sheet2.xml":
            return sheet
        if name == "xl/_rels/workbook.xml.rels":
            s = b.decode()
            s = s.replace("sheet1.xml", "@").replace("sheet2.xml", "sheet1.xml").replace("@", "sheet2.xml")
            s = s.replace("</Relationships>", '<Relationship Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/sharedStrings" Target="./sharedStrings.xml" Id="rId9"/>'
                "</Relationships>")
            return s.encode()
        if name == "[Content_Types].xml":
            return b.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        return b
    rewrite(path + ".tmp", path, edit, [("xl/sharedStrings.xml", sst)])
    os.remove(path + ".tmp")

def ids_as_numbers(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HDR)
    ws.append(["张三", "居民身份证", int(ID1), "养老护理员", "四级", "过程化考核", "2024-03-15"])
    ws.append(["李四", "居民身份证", int(ID3), "养老护理员", "四级", "过程化考核", "2024-03-15"])
    ws["C3"].number_format = "0"
    ws.append(["数", "", 0.1 + 0.2, 123456789012, -1.5, 1e-7, True, 3])
    wb.save(path)

def with_part(src, dst, name, data):
    def edit(n, b):
        return data if n == name else b
    rewrite(src, dst, edit)

def set_encrypted_flag(src, dst):
    b = bytearray(open(src, "rb").read())
    for m in re.finditer(b"PK\x03\x04", b):
        b[m.start() + 6] |= 1
    for m in re.finditer(b"PK\x01\x02", b):
        b[m.start() + 8] |= 1
    open(dst, "wb").write(b)

main = os.path.join(out, "roster.xlsx")
roster(main)
first_sheet_not_sheet1(main)
roster(os.path.join(out, "roster1904.xlsx"), epoch1904=True)
first_sheet_not_sheet1(os.path.join(out, "roster1904.xlsx"))
ids_as_numbers(os.path.join(out, "idnum.xlsx"))
# hostile
open(os.path.join(out, "notzip.xlsx"), "wb").write(b"PK\x03\x04 but no zip at all" + b"\0" * 64)
with zipfile.ZipFile(os.path.join(out, "nowb.xlsx"), "w") as z:
    z.writestr("hello.txt", "no workbook here")
with_part(main, os.path.join(out, "bomb.xlsx"), "xl/worksheets/sheet2.xml", b" " * (80 << 20))
with zipfile.ZipFile(os.path.join(out, "ratio.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", b" " * (20 << 20))
lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
       + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
       + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
with_part(main, os.path.join(out, "laughs.xlsx"), "xl/sharedStrings.xml", lol)
xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')
with_part(main, os.path.join(out, "xxe.xlsx"), "xl/worksheets/sheet2.xml", xxe)
bad = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="s"><v>99999</v></c></row><row r="2"><c r="B2"><v>1</v></c><c r="A2"><v>2</v></c></row></sheetData></worksheet>')
with_part(main, os.path.join(out, "badref.xlsx"), "xl/worksheets/sheet2.xml", bad)
set_encrypted_flag(main, os.path.join(out, "encrypted.xlsx"))

def lie_about_size(src, dst, name):
    """Entry name's inflated size said smaller than it is, in both its
    local and its central header (so the two agree)."""
    z = zipfile.ZipFile(src)
    i = z.getinfo(name)
    b = bytearray(open(src, "rb").read())
    small = struct.pack("<I", i.file_size // 4)
    b[i.header_offset + 22:i.header_offset + 26] = small
    for m in re.finditer(b"PK\x01\x02", b):
        at = m.start()
        n = struct.unpack("<H", b[at + 28:at + 30])[0]
        if b[at + 46:at + 46 + n] == name.encode():
            b[at + 24:at + 28] = small
    open(dst, "wb").write(b)

lie_about_size(main, os.path.join(out, "liar.xlsx"), "xl/worksheets/sheet2.xml")

if seeds:
    # tests/fuzz/fuzz_xlsx.c: sheet NUL shared strings NUL styles
    os.remove(os.path.join(out, "bomb.xlsx"))
    for name in ("roster.xlsx", "idnum.xlsx"):
        z = zipfile.ZipFile(os.path.join(out, name))
        names = z.namelist()
        sheet = "xl/worksheets/sheet2.xml" if "xl/sharedStrings.xml" in names else "xl/worksheets/sheet1.xml"
        parts = [z.read(sheet), z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else b"",
                 z.read("xl/styles.xml")]
        open(os.path.join(out, name + ".parts"), "wb").write(b"\0".join(parts))
