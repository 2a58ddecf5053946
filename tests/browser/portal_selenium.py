#!/usr/bin/python3
"""portal_selenium.py - the issuer portal in a real browser (Debian's
chromium + chromedriver, Selenium 4, headless): log in with a TOTP code,
upload a good roster and a bad one, see the errors at the right rows and
fields, issue, download the ZIP and check its PDFs, revoke one and see it
on the public QR page, log out. Screenshots at 1280x800 and 390x844 go to
$SHOTS. Run by tests/cli/portal_browser.sh, which starts the servers and
passes everything in the environment:
  PORTAL, PUBLIC (base URLs), SC, DB (CLI and registry for the QR token),
  USER, PASSWORD, SECRET, USER2 (an admin not yet enrolled), AUTH (an authority user), GOOD, BAD (roster files), SHOTS, DOWNLOADS."""
import os, subprocess, sys, time, zipfile, io
import pyotp
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

E = os.environ
PORTAL, PUBLIC = E["PORTAL"], E["PUBLIC"]
SHOTS, DL = E["SHOTS"], E["DOWNLOADS"]
passed = failed = 0


def check(what, cond):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("not ok:", what, flush=True)


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--disable-gpu", "--window-size=1280,800",
              "--disable-dev-shm-usage", "--lang=zh-CN"):
        o.add_argument(a)
    if os.geteuid() == 0:
        o.add_argument("--no-sandbox")
    o.add_experimental_option("prefs", {
        "download.default_directory": DL, "download.prompt_for_download": False,
        "intl.accept_languages": "zh-CN"})
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": DL})
    return d


def shot(d, name):
    """Both sizes of the current page; the whole page height at each."""
    for w, h, tag in ((1280, 800, "desktop"), (390, 844, "phone")):
        d.set_window_size(w, h)
        time.sleep(0.2)
        d.save_screenshot(os.path.join(SHOTS, f"portal-{name}-{tag}.png"))
    d.set_window_size(1280, 800)


def wait_url(d, part, secs=10):
    """True once the browser's URL contains part (forms submit async)."""
    end = time.time() + secs
    while time.time() < end:
        if part in d.current_url:
            return True
        time.sleep(0.05)
    return False


def csp_violations(d):
    return [l for l in d.get_log("browser")
            if "Content Security Policy" in l.get("message", "")]


def login(d):
    d.get(PORTAL + "/login")
    shot(d, "login")
    d.find_element(By.NAME, "name").send_keys(E["USER"])
    d.find_element(By.NAME, "password").send_keys(E["PASSWORD"])
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    check("asked for the TOTP code", wait_url(d, "/login/totp"))
    shot(d, "totp")
    d.find_element(By.NAME, "code").send_keys(pyotp.TOTP(E["SECRET"]).now())
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    check("dashboard after TOTP", wait_url(d, "/dashboard"))
    cookies = {c["name"]: c for c in d.get_cookies()}
    c = cookies.get("__Host-skillcert")
    check("__Host- cookie stored by the browser", c is not None)
    if c:
        check("cookie HttpOnly, Secure, Strict",
              c["httpOnly"] and c["secure"] and c.get("sameSite") == "Strict")


def upload(d, path):
    d.get(PORTAL + "/upload")
    d.find_element(By.NAME, "roster").send_keys(path)
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    check("roster page after upload " + os.path.basename(path), wait_url(d, "/roster/"))


def bad_roster(d):
    upload(d, E["BAD"])
    shot(d, "roster-bad")
    rows = d.find_elements(By.CSS_SELECTOR, "tr.bad")
    check("two bad rows", len(rows) == 2)
    if rows:  # the phone view of the marked rows, further down the page
        d.set_window_size(390, 844)
        d.execute_script("arguments[0].scrollIntoView()", rows[0])
        time.sleep(0.2)
        d.save_screenshot(os.path.join(SHOTS, "portal-roster-bad-rows-phone.png"))
        d.set_window_size(1280, 800)
    heads = [th.text for th in d.find_elements(By.CSS_SELECTOR, "table tr th")]
    marks = {}
    for r in rows:
        cells = r.find_elements(By.TAG_NAME, "td")
        for i, c in enumerate(cells):
            if "badcell" in (c.get_attribute("class") or ""):
                marks[cells[0].text] = heads[i]
    check("line 3 marked at 姓名", marks.get("3") == "姓名")
    check("line 4 marked at 等级", marks.get("4") == "等级")
    names = [c.text for c in d.find_elements(By.CSS_SELECTOR, "td.badcell")]
    check("markup shown as text", "李<b>x</b>" in names)
    check("no element from the roster's markup",
          not d.find_elements(By.CSS_SELECTOR, "td.badcell b"))
    check("no 'issue all' when rows are bad", "全部签发" not in d.page_source)


def issue_good(d):
    upload(d, E["GOOD"])
    shot(d, "roster-good")
    d.find_element(By.XPATH, "//button[text()='全部签发']").click()
    for _ in range(60):
        if "签发完成" in d.page_source or "签发失败" in d.page_source:
            break
        time.sleep(0.5)
        d.refresh()
    shot(d, "job-done")
    check("issued", "签发完成" in d.page_source)
    d.find_element(By.PARTIAL_LINK_TEXT, "查看批次").click()
    wait_url(d, "/batch/")
    shot(d, "batch")
    return [a.text for a in d.find_elements(By.CSS_SELECTOR, "table td:first-child a")]


def zip_check(d, nos):
    for f in os.listdir(DL):
        os.unlink(os.path.join(DL, f))
    d.find_element(By.PARTIAL_LINK_TEXT, "ZIP").click()
    path = None
    for _ in range(100):
        done = [f for f in os.listdir(DL) if f.endswith(".zip")]
        if done:
            path = os.path.join(DL, done[0])
            break
        time.sleep(0.1)
    check("ZIP downloaded", path is not None)
    if not path:
        return
    z = zipfile.ZipFile(path)
    names = sorted(z.namelist())
    check("ZIP holds one PDF per certificate", names == sorted(n + ".pdf" for n in nos))
    for n in names:
        data = z.read(n)
        tmp = os.path.join(DL, "check.pdf")
        open(tmp, "wb").write(data)
        ok = subprocess.run(["qpdf", "--check", tmp], capture_output=True).returncode == 0
        text = subprocess.run(["pdftotext", tmp, "-"], capture_output=True, text=True).stdout
        check("PDF valid: " + n, ok and data.startswith(b"%PDF-"))
        check("PDF names its number: " + n, n[:-4] in text.replace(" ", ""))


def revoke(d, no):
    d.get(PORTAL + "/cert/" + no)
    d.find_element(By.NAME, "note").send_keys("浏览器测试撤销")
    d.find_element(By.CSS_SELECTOR, "button.danger").click()
    for _ in range(100):
        if "已撤销" in d.page_source:
            break
        time.sleep(0.05)
    shot(d, "cert-revoked")
    check("portal shows 已撤销", "已撤销" in d.page_source)
    url = subprocess.run([E["SC"], "token", "--db", E["DB"], no], capture_output=True,
                         text=True, check=True).stdout.strip()
    d.get(PUBLIC + "/" + url.split("/", 3)[3])
    shot(d, "public-qr")
    check("public QR page says 已撤销", "已撤销" in d.page_source)


def enrol(d):
    """An admin without a second factor enrols at the first login: the QR
    (inline SVG) and the secret as text; the code from it completes."""
    d.get(PORTAL + "/login")
    d.find_element(By.NAME, "name").send_keys(E["USER2"])
    d.find_element(By.NAME, "password").send_keys(E["PASSWORD"])
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    check("sent to enrolment", wait_url(d, "/totp/enrol"))
    shot(d, "enrol")
    check("QR drawn as inline SVG", bool(d.find_elements(By.CSS_SELECTOR, ".qr svg path")))
    secret = d.find_element(By.CSS_SELECTOR, "code.secret").text.strip()
    check("secret shown as base32", len(secret) >= 32)
    d.find_element(By.NAME, "code").send_keys(pyotp.TOTP(secret).now())
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    check("enrolled: dashboard", wait_url(d, "/dashboard"))
    d.find_element(By.CSS_SELECTOR, "header form button").click()
    wait_url(d, "/login")


def authority(d):
    """The authority's pages: organizations, the audit trail, statistics."""
    d.get(PORTAL + "/login")
    d.find_element(By.NAME, "name").send_keys(E["AUTH"])
    d.find_element(By.NAME, "password").send_keys(E["PASSWORD"])
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    wait_url(d, "/login/totp")
    d.find_element(By.NAME, "code").send_keys(pyotp.TOTP(E["SECRET"]).now())
    d.find_element(By.CSS_SELECTOR, "form.card button").click()
    check("authority dashboard", wait_url(d, "/dashboard"))
    for page, text in (("/orgs", "评价机构"), ("/audit", "审计记录")):
        d.get(PORTAL + page)
        shot(d, "authority" + page.replace("/", "-"))
        check("authority page " + page, text in d.page_source)
    supervision(d)
    d.find_element(By.CSS_SELECTOR, "header form button").click()
    wait_url(d, "/login")


def style(d, css, prop):
    """The computed value of prop on the first element matching css."""
    return d.execute_script(
        "var e=document.querySelector(arguments[0]);"
        "return e ? getComputedStyle(e).getPropertyValue(arguments[1]) : null;",
        css, prop)


def supervision(d):
    """统计报表 (charts styled by /static/report.css, no inline style),
    预警信号 (the planted jump, masked), 数据共享 (an export cut from the
    page); screenshots of each; no CSP violation on any of them."""
    d.get_log("browser")                       # drop what came before
    d.get(PORTAL + "/stats")
    check("stats: report title", "统计" in d.title)
    check("stats: an SVG chart", len(d.find_elements(By.CSS_SELECTOR, ".skc-report svg")) >= 2)
    check("stats: bars drawn", len(d.find_elements(By.CSS_SELECTOR, ".skc-report svg rect.bar")) >= 1)
    check("stats: report CSS applied (legend swatch colour)",
          style(d, ".skc-report .sw.bar", "background-color") == "rgb(37, 99, 235)")
    check("stats: report CSS applied (table head)",
          style(d, ".skc-report th", "background-color") == "rgb(232, 240, 254)")
    check("stats: chart scales to its box",
          d.execute_script("return document.querySelector('.skc-report svg')"
                           ".getBoundingClientRect().width") > 300)
    shot(d, "authority-stats")
    d.execute_script("document.querySelector('.skc-report svg').scrollIntoView()")
    for w, h, tag in ((1280, 800, "desktop"), (390, 844, "phone")):
        d.set_window_size(w, h)
        time.sleep(0.2)
        d.execute_script("document.querySelector('.skc-report svg').scrollIntoView()")
        d.save_screenshot(os.path.join(SHOTS, f"portal-authority-stats-chart-{tag}.png"))
        if tag == "phone":
            check("stats: phone page does not scroll sideways",
                  d.execute_script("return document.documentElement.scrollWidth") <= 392)
    d.set_window_size(1280, 800)
    d.get(PORTAL + "/signals")
    src = d.page_source
    check("signals: the planted jump", "level-jump" in src)
    pid = E.get("PLANTED_ID", "")
    check("signals: no full ID number", pid and pid not in src)
    check("signals: the person masked", pid and (pid[:4] + "*" * 10 + pid[14:]) in src)
    check("signals: evidence linked",
          len(d.find_elements(By.CSS_SELECTOR, "table.signals a[href^='/cert/']")) >= 2)
    shot(d, "authority-signals")
    d.get(PORTAL + "/exports")
    shot(d, "authority-exports-before")
    row = [r for r in d.find_elements(By.CSS_SELECTOR, "table.depts tr") if "民政" in r.text]
    check("exports: 民政 listed", len(row) == 1)
    if row:
        row[0].find_element(By.CSS_SELECTOR, "button").click()
        time.sleep(0.5)
        check("exports: the file offered", "下载签名清单" in d.page_source)
        shot(d, "authority-exports-done")
    d.get(PORTAL + "/exports")
    check("exports: the past export listed",
          len(d.find_elements(By.CSS_SELECTOR, "table.exports td.hash code")) >= 1)
    shot(d, "authority-exports")
    d.set_window_size(390, 844)
    time.sleep(0.2)
    d.execute_script("document.querySelector('table.exports').scrollIntoView()")
    d.save_screenshot(os.path.join(SHOTS, "portal-authority-exports-list-phone.png"))
    check("exports: phone page does not scroll sideways",
          d.execute_script("return document.documentElement.scrollWidth") <= 392)
    d.set_window_size(1280, 800)
    bad = [l["message"] for l in d.get_log("browser")
           if "Content Security Policy" in l.get("message", "") or "Refused" in l.get("message", "")]
    check("supervision pages: no CSP violations " + repr(bad), not bad)


def main():
    os.makedirs(SHOTS, exist_ok=True)
    os.makedirs(DL, exist_ok=True)
    d = browser()
    try:
        login(d)
        shot(d, "dashboard")
        bad_roster(d)
        nos = issue_good(d)
        check("three certificates", len(nos) == 3)
        zip_check(d, nos)
        revoke(d, nos[0])
        d.get(PORTAL + "/dashboard")
        shot(d, "dashboard-after")
        check("no CSP violations", not csp_violations(d))
        d.find_element(By.CSS_SELECTOR, "header form button").click()
        check("logged out to the login page", wait_url(d, "/login"))
        d.get(PORTAL + "/dashboard")
        check("dashboard refused after logout", d.current_url.endswith("/login"))
        enrol(d)
        authority(d)
    finally:
        d.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
