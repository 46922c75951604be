"""The frame: page config, the shared filters in the sidebar, and navigation between pages."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import _

st.set_page_config(layout="wide", page_icon="⚖️")
ui.guarded(ui.language_choice)
st.set_page_config(page_title=_("ICC Ukraine events"))
page = st.navigation(
    [
        st.Page("pages/overview.py", title=_("Overview"), default=True),
        st.Page("pages/map.py", title=_("Map"), url_path="map"),
        st.Page("pages/timeline.py", title=_("Timeline"), url_path="timeline"),
        st.Page("pages/cases.py", title=_("Cases"), url_path="cases"),
        st.Page("pages/explore.py", title=_("Explore"), url_path="explore"),
        st.Page("pages/about.py", title=_("About"), url_path="about"),
    ]
)
st.session_state["filters"] = ui.guarded(ui.sidebar_filters)
st.session_state["page_path"] = page.url_path
ui.guarded(page.run)
