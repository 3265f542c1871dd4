#!/usr/bin/env python3
"""Writes the encoded-feed and garbage fixtures of this folder (run from this folder).

The text of each feed is a Python string; the bytes on disk are that string encoded to the
encoding its XML declaration names, so the tests can check every character decodes back.
"""
import random


def feed(enc_name, title, desc, chan):
    return f'''<?xml version="1.0" encoding="{enc_name}"?>
<rss version="2.0">
  <channel>
    <title>{chan}</title>
    <link>https://encoded.example.com/</link>
    <item>
      <title>{title}</title>
      <link>https://encoded.example.com/1</link>
      <pubDate>Wed, 30 Sep 2026 17:16:31 +0000</pubDate>
      <description>{desc}</description>
    </item>
  </channel>
</rss>
'''


def write(name, data):
    with open(name, 'wb') as f:
        f.write(data)


write('rss_windows1252.xml', feed("windows-1252", "Café crème: Bitcoin’s €100k “moment” – Œuvre Š",
                                  "Prix: “Ça coûte 5 €” — naïve façade…", "Actualités Crypto").encode('cp1252'))
write('rss_iso8859_1.xml', feed("ISO-8859-1", "Café Zürich: 5 ½ Bitcoin für Señor Ñandú ©",
                                "Größe: 3×4 ± 1 - °C", "Nachrichten").encode('latin-1'))
write('rss_iso8859_15.xml', feed("ISO-8859-15", "Prix en € : Œuvre, Šárka, Žižka, Ÿ",
                                 "Mise à jour ", "Nouvelles").encode('iso8859-15'))
utf16 = feed("UTF-16", "日本語のビットコイン – ETF 承認 🚀", "説明: “価格” €", "UTF-16 News")
write('rss_utf16le_bom.xml', b'\xff\xfe' + utf16.encode('utf-16-le'))
write('rss_utf16be_bom.xml', b'\xfe\xff' + utf16.encode('utf-16-be'))
write('rss_utf8_bom.xml', b'\xef\xbb\xbf' + feed("UTF-8", "BOM-prefixed UTF-8 — ok", "Ünïcödé", "UTF-8 BOM").encode('utf-8'))
write('rss_unknown_encoding.xml', feed("KOI8-R", "x", "y", "z").encode('ascii'))

random.seed(6)
write('garbage_binary.bin', bytes(random.randrange(256) for _ in range(2048)))
with open('coindesk.xml', 'rb') as f:
    write('truncated_coindesk.xml', f.read()[:3000])
