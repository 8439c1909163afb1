#!/usr/bin/env python3
"""Generate the per-locale WhatsApp samples (``samples/whatsapp/<platform>_<locale>_<variant>.txt``)
and their entries in ``samples/manifest.json``.

One small synthetic export per header layout of ``rules/whatsapp_layouts.yaml`` that the
first samples do not show: time before date (Vietnamese phones), right-to-left marks and the
Arabic comma, Arabic-Indic / Persian / Devanagari digits, the Thai Buddhist and the Iranian
calendars, AM/PM words before the hour (ja, ko, zh) and after it (Arabic, Marathi,
Ukrainian, Spanish "p. m."), Bulgarian "г.", Indonesian dotted times, Hungarian year-first
dates.  The header bytes are those the phone's CLDR data gives (invisible marks included);
names, numbers and texts are invented.

``whatstk_hformat``: whatstk removes U+200E/U+200F and makes U+202F a space before it
matches, so its formats are written without them.  The system lines and media markers of
the languages without templates in ``rules/whatsapp_system.yaml`` are close to WhatsApp's,
not verbatim.

Reuses ``samples/make_samples.py`` (the ``Chat`` builder, the checks and the manifest
writer) and merges its entries into the existing manifest:

    python samples/whatsapp/make_locale_samples.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import make_samples as ms  # noqa: E402
from make_samples import LRE_OPEN, LRM, NNBSP, PDF_CLOSE, TILDE, Chat  # noqa: E402

RLM = "\u200f"
SPECS = []


def add(chat, **meta):
    SPECS.append(dict(obj=chat, format="whatsapp", urls=[], emails=[], **meta))


E2E_EN_IOS = ms.E2E_EN_IOS

# --------------------------------------------------------------------------------------------
# iOS, Vietnamese phone: time before the date, "[14:56:01, 3/18/22] "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/ios_vi_timefirst.txt", "ios_vi_timefirst",
         r"^\u200e?\[\d{1,2}:\d{2}:\d{2}, \d{1,2}/\d{1,2}/\d{2}\] ", android=False, eol="\r\n",
         hformat="[%H:%M:%S, %m/%d/%y] %name:", language="vi")
G = "Nhóm Đà Lạt"
HA = TILDE + "Phương Thảo"
PV = LRE_OPEN + "+84 912 345 678" + PDF_CLOSE
c.s("14:56:01, 3/18/22", E2E_EN_IOS, chat=G)
c.s("14:56:01, 3/18/22", f"Lê Quang Khoa created group “{G}”", chat=G)
c.s("14:56:02, 3/18/22", "Lê Quang Khoa added you", chat=G)
c.m("14:58:10, 3/18/22", "Lê Quang Khoa", "Chào cả nhà! Cuối tuần này mình đi Đà Lạt nhé")
c.m("14:59:30, 3/18/22", "Dmitry S", "Ok, mình gửi hình ảnh khách sạn sau")
c.m("15:01:05, 3/18/22", HA, "Tuyệt quá! Dmitry nhớ mang máy ảnh nhé")
c.m("15:02:44, 3/18/22", "Dmitry S", LRM + "image omitted", lrm=True)
c.m("15:03:12, 3/18/22", "Lê Quang Khoa", "Hình ảnh đẹp lắm. Khoa sẽ đặt xe lúc 7 giờ sáng")
c.m("15:05:00, 3/18/22", PV, "Chào mọi người, mình là bạn của Phương Thảo, Khoa cho mình link nhóm")
c.m("15:06:41, 3/18/22", "Lê Quang Khoa", "Chào bạn! Danh sách đồ cần mang:\n- áo ấm\n- giày đi bộ")
c.m("9:15:20, 3/19/22", HA, "Sáng nay trời lạnh, mọi người mặc ấm vào")
c.m("9:16:02, 3/19/22", "Dmitry S", "Cảm ơn Thảo, hẹn gặp lúc 7 giờ")
c.m("9:20:33, 3/19/22", PV, LRM + "This message was deleted.")
# with NER on, the gazetteer (accent-folded name lists) and the French model also replace
# "hình ảnh", "khách sạn", "Đà Lạt", "máy ảnh", "mình", "gửi" (reported, detect/ not layouts):
# tests/test_whatsapp_layouts.py checks every word of this file without NER
add(c, names=["Khoa", "Dmitry", "Phương", "Thảo"], phones=["+84 912 345 678"],
    keep=["giờ sáng", "áo ấm", "image omitted", "This message was deleted."])

# --------------------------------------------------------------------------------------------
# iOS, Arabic: right-to-left marks in the date, Arabic comma, "[‏18‏/3‏/2022، 14:56:01] "
# (a one-to-one chat: the encryption line's sender is the other person)
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/ios_ar_rtl.txt", "ios_ar_rtl",
         r"^\u200e?\[\u200f\d{1,2}\u200f/\d{1,2}\u200f/\d{4}، \d{2}:\d{2}:\d{2}\] ",
         android=False, eol="\n", hformat="[%d/%m/%Y، %H:%M:%S] %name:", language="ar")


def ar(d, t):
    day, mon = d.split("/")
    return f"{RLM}{day}{RLM}/{mon}{RLM}/2022، {t}"


SA = "سارة المنصوري"
KA = "كريم حداد"
c.m(ar("18/3", "14:56:01"), SA, LRM + "الرسائل والمكالمات مشفرة تمامًا بين الطرفين.", lrm=True)
c.m(ar("18/3", "14:57:20"), SA, "مرحبا كريم، هل وصلت إلى المكتب؟")
c.m(ar("18/3", "14:58:02"), KA, "نعم وصلت، شكرا يا سارة")
c.m(ar("18/3", "15:01:45"), SA, "الاجتماع غدا الساعة العاشرة صباحا")
c.m(ar("18/3", "15:02:10"), KA, "حسنا، سأحضر التقرير")
c.m(ar("18/3", "15:04:33"), SA, LRM + "تم حذف هذه الرسالة.")
c.m(ar("19/3", "09:10:00"), KA, "صباح الخير سارة\nالتقرير جاهز")
c.m(ar("19/3", "09:12:41"), SA, "ممتاز، أرسله إلى المدير")
c.m(ar("19/3", "09:15:09"), KA, LRM + "image omitted", lrm=True)
c.m(ar("19/3", "09:16:30"), SA, "شكرا كريم")
c.m(ar("19/3", "18:40:12"), KA, "إلى اللقاء غدا")
c.m(ar("20/3", "08:05:55"), SA, "صباح النور")
add(c, names=["سارة", "المنصوري", "كريم", "حداد"], phones=[],
    keep=["الاجتماع", "التقرير", "المكتب", "المدير", "image omitted"])  # NER: "صباح الخير"

# --------------------------------------------------------------------------------------------
# Android, Arabic (Egypt): Arabic-Indic digits, RLM after day and month, "م"/"ص" after the time
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_ar_indic.txt", "android_ar_indic",
         r"^[٠-٩]{1,2}\u200f/[٠-٩]{1,2}\u200f/[٠-٩]{4}، [٠-٩]{1,2}:[٠-٩]{2} [صم] - ",
         android=True, hformat=None, language="ar")


def ari(d, t, ap):
    digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    day, mon = d.split("/")
    return f"{day}{RLM}/{mon}{RLM}/2022، {t} {ap}".translate(digits)


YO = "يوسف الشامي"
MA = "منى فاروق"
PA = "+20 10 1234 5678"
c.s(ari("18/3", "2:56", "م"), "الرسائل والمكالمات مشفرة تمامًا بين الطرفين. لا يمكن لأحد خارج هذه الدردشة قراءتها.")
c.m(ari("18/3", "2:57", "م"), YO, "السلام عليكم يا جماعة")
c.m(ari("18/3", "2:58", "م"), MA, "وعليكم السلام يا يوسف")
c.m(ari("18/3", "3:01", "م"), YO, "الرحلة إلى الإسكندرية يوم الجمعة")
c.m(ari("18/3", "3:03", "م"), PA, "أنا صديق منى، هل يوجد مكان في السيارة؟")
c.m(ari("18/3", "3:05", "م"), MA, "نعم يوجد مكان")
c.m(ari("18/3", "3:07", "م"), YO, "<تم استبعاد الوسائط>")
c.m(ari("18/3", "11:45", "م"), MA, "تصبحون على خير")
c.m(ari("19/3", "7:30", "ص"), YO, "صباح الخير\nنلتقي عند المحطة")
c.m(ari("19/3", "7:32", "ص"), PA, "تمام يا يوسف")
c.m(ari("19/3", "8:00", "ص"), MA, "أنا في الطريق")
c.m(ari("19/3", "12:15", "م"), YO, "وصلنا الإسكندرية")
add(c, names=["يوسف", "الشامي", "منى", "فاروق"], phones=[PA],
    keep=["الإسكندرية", "السيارة", "المحطة", "تم استبعاد الوسائط"])  # NER: "صباح الخير"

# --------------------------------------------------------------------------------------------
# iOS, English UI with the Thai Buddhist calendar: "[3/18/2565 BE, 14:56:01] "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/ios_th_buddhist.txt", "ios_th_buddhist",
         r"^\u200e?\[\d{1,2}/\d{1,2}/\d{4} BE, \d{2}:\d{2}:\d{2}\] ", android=False, eol="\r\n",
         hformat=None, language="th")
G = "Phuket Trip"
c.s("3/18/2565 BE, 14:56:01", E2E_EN_IOS, chat=G)
c.s("3/18/2565 BE, 14:56:01", f"Somchai Wongsakul created group “{G}”", chat=G)
c.s("3/18/2565 BE, 14:56:02", "Somchai Wongsakul added you", chat=G)
c.s("3/18/2565 BE, 14:56:03", "Somchai Wongsakul added Niran Chaiyaporn", chat=G)
c.m("3/18/2565 BE, 14:58:10", "Somchai Wongsakul", "สวัสดีครับ ทริปภูเก็ตวันศุกร์นี้นะครับ")
c.m("3/18/2565 BE, 14:59:45", "Niran Chaiyaporn", "ได้เลยครับ Somchai จองโรงแรมแล้วหรือยัง")
c.m("3/18/2565 BE, 15:01:30", "Somchai Wongsakul", "จองแล้วครับ ใกล้ชายหาด")
c.m("3/18/2565 BE, 15:03:00", "Niran Chaiyaporn", LRM + "image omitted", lrm=True)
c.m("3/18/2565 BE, 15:04:12", "Somchai Wongsakul", "สวยมาก ขอบคุณครับ Niran")
c.m("3/19/2565 BE, 08:00:00", "Niran Chaiyaporn", "อรุณสวัสดิ์ครับ\nเจอกันที่สนามบิน")
c.m("3/19/2565 BE, 08:02:30", "Somchai Wongsakul", "โอเคครับ")
c.m("3/19/2565 BE, 08:05:00", "Niran Chaiyaporn", LRM + "This message was deleted.")
add(c, names=["Somchai", "Wongsakul", "Niran", "Chaiyaporn"], phones=[],
    keep=["ภูเก็ต", "โรงแรม", "ชายหาด", "สนามบิน", G, "image omitted"])

# --------------------------------------------------------------------------------------------
# iOS, Persian with the Iranian calendar: Persian digits, "،‏ " join,
# "[۱۴۰۱/۱۲/۲۷،‏ ۱۴:۵۶:۰۱] " (Android writes the Gregorian year: "۲۰۲۱/۵/۳۰، ۱۸:۴۴ - ")
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/ios_fa_solarhijri.txt", "ios_fa_solarhijri",
         r"^\u200e?\[[۰-۹]{4}/[۰-۹]{1,2}/[۰-۹]{1,2}،\u200f [۰-۹]{1,2}:[۰-۹]{2}:[۰-۹]{2}\] ",
         android=False, eol="\r\n", hformat=None, language="fa")


def fa(d, t, y="1401"):
    return f"{y}/{d}،{RLM} {t}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


AR = "آرش کریمی"
NE = "نگار رضایی"
PF = LRE_OPEN + "+98 912 345 6789" + PDF_CLOSE
G = "سفر شیراز"
c.s(fa("12/27", "14:56:01"), "پیام\u200cها و تماس\u200cها سرتاسر رمزگذاری شده\u200cاند.", chat=G)
c.m(fa("12/27", "14:57:10"), AR, "سلام نگار، برای نوروز برنامه داری؟")
c.m(fa("12/27", "14:58:32"), NE, "سلام آرش، می‌خواهیم به شیراز برویم")
c.m(fa("12/27", "15:01:05"), AR, "عالی است، بلیط قطار گرفتی؟")
c.m(fa("12/27", "15:03:44"), NE, "هنوز نه")
c.m(fa("12/27", "15:05:20"), PF, "سلام، من دوست نگار هستم")
c.m(fa("12/27", "15:06:02"), AR, "خوش آمدی")
c.m(fa("12/28", "09:10:40"), NE, "صبح بخیر\nبلیط‌ها را خریدم")
c.m(fa("12/28", "09:12:15"), AR, "دستت درد نکند نگار")
c.m(fa("12/28", "09:20:00"), PF, LRM + "image omitted", lrm=True)
c.m(fa("12/29", "20:00:30"), NE, "سفر خوبی داشته باشید")
c.m(fa("1/1", "00:05:09", "1402"), AR, "نوروز مبارک")  # the year turns: 1 Farvardin 1402
add(c, names=["آرش", "کریمی", "نگار", "رضایی"], phones=["+98 912 345 6789"],
    keep=["نوروز", "شیراز", "قطار", "بلیط", "سفر"])

# --------------------------------------------------------------------------------------------
# Android, Marathi: Devanagari digits, "म.उ."/"म.पू." after the time
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_mr_deva.txt", "android_mr_deva",
         r"^[०-९]{1,2}/[०-९]{1,2}/[०-९]{2}, [०-९]{1,2}:[०-९]{2} म\.(?:उ|पू)\. - ", android=True,
         hformat=None, language="mr")


def mr(d, t, ap):
    return f"{d}/22, {t} {ap}".translate(str.maketrans("0123456789", "०१२३४५६७८९"))


RA = "राहुल पाटील"
SN = "स्नेहा जोशी"
PM = "+91 98765 43210"
c.s(mr("18/3", "2:56", "म.उ."), "संदेश आणि कॉल एंड-टू-एंड एन्क्रिप्टेड आहेत.")
c.m(mr("18/3", "2:57", "म.उ."), RA, "नमस्कार स्नेहा, उद्या पुण्याला जायचे आहे का?")
c.m(mr("18/3", "2:58", "म.उ."), SN, "हो राहुल, सकाळी निघूया")
c.m(mr("18/3", "3:01", "म.उ."), RA, "ठीक आहे, मी गाडी घेऊन येतो")
c.m(mr("18/3", "3:05", "म.उ."), PM, "मी स्नेहा यांचा मित्र आहे, मलाही यायचे आहे")
c.m(mr("18/3", "3:06", "म.उ."), SN, "नक्की ये")
c.m(mr("18/3", "9:40", "म.उ."), RA, "<मीडिया वगळले>")
c.m(mr("19/3", "6:30", "म.पू."), SN, "सुप्रभात\nमी तयार आहे")
c.m(mr("19/3", "6:32", "म.पू."), RA, "दहा मिनिटांत पोहोचतो")
c.m(mr("19/3", "6:45", "म.पू."), PM, "मी स्टेशनजवळ थांबलो आहे")
c.m(mr("19/3", "11:50", "म.पू."), SN, "पुण्यात पोहोचलो")
c.m(mr("19/3", "12:10", "म.उ."), RA, "छान, जेवण करूया")
add(c, names=["राहुल", "पाटील", "स्नेहा", "जोशी"], phones=[PM],
    keep=["नमस्कार", "गाडी", "सुप्रभात", "जेवण", "पोहोचलो"])

# --------------------------------------------------------------------------------------------
# Android, Japanese 12 h: "午後" before the hour, "2022/03/18 午後2:56 - "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_ja_ampm.txt", "android_ja_ampm",
         r"^\d{4}/\d{2}/\d{2} 午[前後]\d{1,2}:\d{2} - ", android=True, hformat=None, language="ja")
YT = "山田 太郎"
SH = "佐藤 花子"
PJ = "+81 90-1234-5678"
c.s("2022/03/18 午後2:56", "メッセージと通話はエンドツーエンドで暗号化されています。")
c.m("2022/03/18 午後2:57", YT, "こんにちは 佐藤 さん 、 明日 の 花見 は 何時 から ですか ？")
c.m("2022/03/18 午後2:58", SH, "山田 さん 、 十時 から です")
c.m("2022/03/18 午後3:01", YT, "了解 です 。 お弁当 を 持って いきます")
c.m("2022/03/18 午後3:04", PJ, "佐藤 さん の 友達 です 。 参加 して も いい ですか ？")
c.m("2022/03/18 午後3:05", SH, "もちろん です")
c.m("2022/03/18 午後11:58", YT, "<メディアなし>")
c.m("2022/03/19 午前0:05", SH, "おやすみ なさい")
c.m("2022/03/19 午前8:30", YT, "おはよう ございます\n公園 の 入口 で 待って います")
c.m("2022/03/19 午前8:45", PJ, "今 駅 に 着きました")
c.m("2022/03/19 午前9:50", SH, "桜 が きれい です ね")
c.m("2022/03/19 午後12:10", YT, "お昼 に しましょう")
add(c, names=["山田", "太郎", "佐藤", "花子"], phones=[PJ],
    keep=["花見", "お弁当", "公園", "桜", "おはよう"])

# --------------------------------------------------------------------------------------------
# Android, Korean: year first with a 2-digit year, "오후" before the hour, "22. 3. 18. 오후 2:56 - "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_ko_ampm.txt", "android_ko_ampm",
         r"^\d{2}\. \d{1,2}\. \d{1,2}\. 오[전후] \d{1,2}:\d{2} - ", android=True, hformat=None,
         language="ko")
KM = "김민준"
LS = "이서연"
PK = "+82 10-1234-5678"
c.s("22. 3. 18. 오후 2:56", "메시지와 통화는 종단간 암호화됩니다.")
c.m("22. 3. 18. 오후 2:57", KM, "안녕 이서연 , 내일 등산 갈래 ?")
c.m("22. 3. 18. 오후 2:58", LS, "좋아 김민준 , 몇 시 에 만날까 ?")
c.m("22. 3. 18. 오후 3:01", KM, "아침 여덟 시 에 역 앞 에서 보자")
c.m("22. 3. 18. 오후 3:03", PK, "이서연 친구 인데 나도 가도 돼 ?")
c.m("22. 3. 18. 오후 3:05", LS, "당연하지")
c.m("22. 3. 18. 오후 11:40", KM, "<미디어 파일 제외됨>")
c.m("22. 3. 19. 오전 7:50", LS, "좋은 아침\n지금 출발 해")
c.m("22. 3. 19. 오전 8:02", PK, "역 에 도착 했어")
c.m("22. 3. 19. 오전 8:05", KM, "나도 도착")
c.m("22. 3. 19. 오전 11:30", LS, "정상 이다 !")
c.m("22. 3. 19. 오후 12:15", KM, "점심 먹자")
add(c, names=["김민준", "이서연"], phones=[PK],
    keep=["등산", "아침", "정상", "점심", "도착"])

# --------------------------------------------------------------------------------------------
# Android, Chinese: "下午" before the hour, no space, "2022/3/18 下午2:56 - "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_zh_ampm.txt", "android_zh_ampm",
         r"^\d{4}/\d{1,2}/\d{1,2} [上下]午\d{1,2}:\d{2} - ", android=True, hformat=None, language="zh")
WW = "王建国"
LN = "李秀英"
PZ = "+86 138 1234 5678"
c.s("2022/3/18 下午2:56", "消息和通话已进行端到端加密。")
c.m("2022/3/18 下午2:57", WW, "你好 李秀英 ， 明天 去 长城 吗 ？")
c.m("2022/3/18 下午2:58", LN, "好 啊 ， 王建国 ， 几点 出发 ？")
c.m("2022/3/18 下午3:01", WW, "早上 七点 在 地铁站 见")
c.m("2022/3/18 下午3:03", PZ, "我 是 李秀英 的 朋友 ， 可以 一起 去 吗 ？")
c.m("2022/3/18 下午3:05", LN, "当然 可以")
c.m("2022/3/18 下午11:20", WW, "<省略影音内容>")
c.m("2022/3/19 上午6:55", LN, "早上好\n我 已经 出发 了")
c.m("2022/3/19 上午7:02", PZ, "我 到 地铁站 了")
c.m("2022/3/19 上午7:05", WW, "马上 到")
c.m("2022/3/19 上午11:40", LN, "长城 真 美")
c.m("2022/3/19 下午12:30", WW, "一起 吃 午饭 吧")
add(c, names=["王建国", "李秀英"], phones=[PZ],
    keep=["长城", "地铁站", "早上好", "午饭", "出发"])

# --------------------------------------------------------------------------------------------
# Android, Bulgarian: the year word "г." after the date, "18.03.22 г., 14:56 - "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_bg_year.txt", "android_bg_year",
         r"^\d{2}\.\d{2}\.\d{2}\u202fг\., \d{1,2}:\d{2} - ", android=True,
         hformat="%d.%m.%y г., %H:%M - %name:", language="bg")
IV = "Иван Петров"
MR = "Мария Георгиева"
PB = "+359 88 123 4567"
d = "18.03.22" + NNBSP + "г., "
c.s(d + "14:56", "Съобщенията и обажданията са шифровани от край до край.")
c.m(d + "14:57", IV, "Здравей, Мария! Утре отиваме ли на Витоша?")
c.m(d + "14:58", MR, "Да, Иван, тръгваме в осем")
c.m(d + "15:01", IV, "Чудесно, ще взема термоса")
c.m(d + "15:03", PB, "Здравейте, аз съм приятел на Мария")
c.m(d + "15:05", MR, "Добре дошъл!")
c.m(d + "21:30", IV, "<Без файл>")
d = "19.03.22" + NNBSP + "г., "
c.m(d + "7:45", MR, "Добро утро\nТръгвам сега")
c.m(d + "7:50", PB, "Чакам на спирката")
c.m(d + "8:05", IV, "Идвам")
c.m(d + "11:20", MR, "Гледката е прекрасна")
c.m(d + "12:40", IV, "Обяд на хижата?")
add(c, names=["Иван", "Петров", "Мария", "Георгиева"], phones=[PB],
    keep=["Витоша", "термоса", "Добро утро", "спирката", "хижата"])

# --------------------------------------------------------------------------------------------
# Android, Russian: system lines in Russian, "<Без медиафайлов>", "(файл добавлен)"
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_ru_system.txt", "android_ru_system",
         r"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} - ", android=True,
         hformat="%d.%m.%Y, %H:%M - %name:", language="ru")
OL = "Ольга Смирнова"
DM = "Дмитрий Соколов"
PR = "+7 912 345-67-89"
d = "18.03.2022, "
c.s(d + "14:56", "Сообщения и звонки защищены сквозным шифрованием. Никто из тех, кто не является "
                 "участником этого чата, не может их прочитать или прослушать.")
c.s(d + "14:56", f"{OL} создал(а) группу «Дача»")
c.s(d + "14:57", f"{OL} добавил(а) {DM}")
c.m(d + "14:58", OL, "Всем привет! В субботу едем на дачу")
c.m(d + "14:59", DM, "Отлично, Ольга, я возьму мангал")
c.s(d + "15:00", f"{PR} присоединился(-ась) по ссылке-приглашению")
c.m(d + "15:01", PR, "Привет, Дмитрий дал мне ссылку")
c.m(d + "15:03", OL, "<Без медиафайлов>")
c.m(d + "15:05", DM, "Дмитрий Соколов.vcf (файл добавлен)")
c.m(d + "15:07", OL, "Список продуктов:\nхлеб\nсыр\nчай")
d = "19.03.2022, "
c.m(d + "09:00", DM, "Доброе утро! Выезжаем в десять")
c.s(d + "09:30", f"{PR} вышел(-ла)")
c.m(d + "09:31", OL, "Он вышел случайно, Дмитрий добавь его снова")
add(c, names=["Ольга", "Смирнова", "Дмитрий", "Соколов"], phones=[PR],
    keep=["Всем привет", "дачу", "мангал", "Без медиафайлов", "файл добавлен", "хлеб"])  # NER: "Доброе утро"

# --------------------------------------------------------------------------------------------
# iOS, Spanish 12 h: "p. m." with U+202F inside, "[18/3/22, 2:56:01 p. m.] "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/ios_es_pm.txt", "ios_es_pm",
         r"^\u200e?\[\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}:\d{2}\u202f[ap]\.\u202fm\.\] ",
         android=False, eol="\r\n", hformat="[%d/%m/%y, %I:%M:%S %p] %name:", language="es",
         tsfix=lambda t: t.replace(" p. m.", NNBSP + "p." + NNBSP + "m.")
         .replace(" a. m.", NNBSP + "a." + NNBSP + "m."))
G = "Cumpleaños Valeria"
c.s("18/3/22, 2:56:01 p. m.", "Los mensajes y las llamadas están cifrados de extremo a extremo. "
    "Nadie fuera de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.", chat=G)
c.s("18/3/22, 2:56:01 p. m.", f"Rodrigo Paredes creó el grupo “{G}”", chat=G)
c.s("18/3/22, 2:56:02 p. m.", "Rodrigo Paredes añadió a Camila Ibarra", chat=G)
c.m("18/3/22, 2:58:10 p. m.", "Rodrigo Paredes", "Hola! La fiesta sorpresa es el sábado a las 9")
c.m("18/3/22, 3:00:45 p. m.", "Camila Ibarra", "Genial Rodrigo, yo llevo el pastel")
c.m("18/3/22, 3:02:00 p. m.", "Rodrigo Paredes", LRM + "imagen omitida", lrm=True)
c.m("18/3/22, 3:05:12 p. m.", "Camila Ibarra", "Qué bonito! Camila confirma 🎉")
c.m("18/3/22, 11:59:59 p. m.", "Rodrigo Paredes", "Buenas noches a todos")
c.m("19/3/22, 12:00:30 a. m.", "Camila Ibarra", "Ya es sábado!")
c.m("19/3/22, 9:15:00 a. m.", "Rodrigo Paredes", "Buenos días\nNo se olviden de los globos")
c.m("19/3/22, 9:20:41 a. m.", "Camila Ibarra", LRM + "Se eliminó este mensaje.")
c.m("19/3/22, 12:05:00 p. m.", "Rodrigo Paredes", "Nos vemos en casa de Camila")
add(c, names=["Rodrigo", "Paredes", "Camila", "Ibarra", "Valeria"], phones=[],
    keep=["fiesta sorpresa", "sábado", "pastel", "Buenas noches", "globos", "imagen omitida"])

# --------------------------------------------------------------------------------------------
# Android, Indonesian: dotted time, "18/03/22 14.56 - "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_id_dottime.txt", "android_id_dottime",
         r"^\d{2}/\d{2}/\d{2} \d{2}\.\d{2} - ", android=True,
         hformat="%d/%m/%y %H.%M - %name:", language="id")
BU = "Budi Santoso"
SI = "Siti Rahayu"
PI = "+62 812-3456-7890"
d = "18/03/22 "
c.s(d + "14.56", "Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun di luar chat ini "
                 "yang dapat membaca atau mendengarkannya.")
c.m(d + "14.57", BU, "Halo Siti, besok jadi ke Bandung?")
c.m(d + "14.58", SI, "Jadi dong Budi, berangkat jam tujuh")
c.m(d + "15.01", BU, "Oke, aku bawa bekal")
c.m(d + "15.03", PI, "Halo, aku temannya Siti, boleh ikut?")
c.m(d + "15.05", SI, "Boleh banget")
c.m(d + "21.40", BU, "<Media tidak disertakan>")
d = "19/03/22 "
c.m(d + "06.50", SI, "Selamat pagi\nAku sudah di stasiun")
c.m(d + "06.55", PI, "Aku juga sudah sampai")
c.m(d + "07.02", BU, "Pesan ini telah dihapus")
c.m(d + "11.30", SI, "Bandung sejuk sekali")
c.m(d + "12.15", BU, "Ayo makan siang")
add(c, names=["Budi", "Santoso", "Siti", "Rahayu"], phones=[PI],
    keep=["Bandung", "bekal", "stasiun", "Media tidak disertakan"])  # NER: "Selamat pagi", "makan siang"

# --------------------------------------------------------------------------------------------
# Android, Hungarian: year first with dots and spaces, "2022. 03. 18. 14:56 - "
# --------------------------------------------------------------------------------------------
c = Chat("samples/whatsapp/android_hu_ymd.txt", "android_hu_ymd",
         r"^\d{4}\. \d{2}\. \d{2}\. \d{1,2}:\d{2} - ", android=True,
         hformat=None, language="hu")
KA = "Kovács Anna"
NP = "Nagy Péter"
PH = "+36 20 123 4567"
d = "2022. 03. 18. "
c.s(d + "14:56", "Az üzenetek és hívások végpontok közötti titkosítással védettek.")
c.m(d + "14:57", KA, "Szia Péter! Holnap megyünk a Balatonra?")
c.m(d + "14:58", NP, "Igen Anna, reggel nyolckor indulunk")
c.m(d + "15:01", KA, "Rendben, viszek szendvicset")
c.m(d + "15:03", PH, "Sziasztok, Anna barátja vagyok")
c.m(d + "15:05", NP, "Üdv a csoportban!")
c.m(d + "22:10", KA, "<Média elhagyva>")
d = "2022. 03. 19. "
c.m(d + "7:40", NP, "Jó reggelt\nMár úton vagyok")
c.m(d + "7:45", PH, "A vasútállomáson várok")
c.m(d + "8:00", KA, "Megérkeztem")
c.m(d + "11:30", NP, "Gyönyörű a tó")
c.m(d + "12:20", KA, "Ebédeljünk!")
add(c, names=["Kovács", "Anna", "Nagy", "Péter"], phones=[PH],
    keep=["Balatonra", "szendvicset", "Jó reggelt", "vasútállomáson"])  # NER: "Ebédeljünk"


def main() -> int:
    """Write these samples with make_samples' checks, then merge their manifest entries."""
    path = ms.HERE / "manifest.json"
    before = json.loads(path.read_text(encoding="utf-8"))
    ms.SPECS[:] = SPECS
    status = ms.main()
    mine = json.loads(path.read_text(encoding="utf-8"))
    merged = {k: v for k, v in before.items() if k not in mine}
    merged.update(mine)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(merged, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
